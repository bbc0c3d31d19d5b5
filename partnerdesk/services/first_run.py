"""A database's first day: start a new PartnerDesk (our organization, this person's
name), or join a colleague (`sharing.join`, which adopts their organization as ours).

The Welcome dialog and `partnerdesk init` both come here, so the two ways in make the
same database.
"""

from partnerdesk.db import records as r
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.settings import check_person_name


def is_first_run(desk: Desk) -> bool:
    """A database with no organization at all (and none deleted) has not been set up."""
    return not desk.organizations.count() and not desk.organizations.count(deleted=True)


def refuse_unless_first_run(desk: Desk) -> None:
    if not is_first_run(desk):
        raise PartnerDeskError(f"{desk.path} already holds records, so it was left as it is. "
                               "Choose a new file name (--db) to start another PartnerDesk.")


def start_new(desk: Desk, our_name: str, your_name: str = "",
              logo_bytes: bytes | None = None, sample: bool = False) -> r.Organization:
    """Our organization (the one on every letterhead), and who uses this laptop.

    `sample`: the sample data first; it has its own "us" organization, and ours, made
    after it, becomes "us" (only one organization can be), so our letterhead shows our
    own name and logo."""
    refuse_unless_first_run(desk)
    name = our_name.strip()
    if not name:
        raise PartnerDeskError("Type your organization's name to start.")
    check_person_name(your_name)
    if sample:
        desk.load_sample_data()
    values: dict[str, object] = {"name": name, "is_us": True, "status": "active"}
    if logo_bytes:
        values["logo_sha256"] = desk.attachments.store_bytes(logo_bytes)
    ours = desk.organizations.create(**values)
    desk.settings.your_name = your_name
    # Setting up is not an edit to take back: Undo would remove our own organization
    # (and the sample data) and bring the welcome back.
    desk.undo.clear()
    return ours
