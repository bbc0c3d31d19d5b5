"""Joining a colleague: a new laptop takes the records of a colleague's bundle, and
their organization becomes ours.

The colleague's own organization travels in their bundle marked as theirs (`is_us`,
which a bundle for our own laptops carries and one for a partner leaves out). A new
laptop adopts exactly that record, so every laptop of the organization shares one
"our organization" instead of each typing its own (two records, both "ours", which the
next bundle would spread to everybody).
"""

from dataclasses import dataclass
from pathlib import Path

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.first_run import refuse_unless_first_run
from partnerdesk.services.progress import Progress
from partnerdesk.services.settings import check_person_name
from partnerdesk.sharing import limits
from partnerdesk.sharing.bundle import Bundle
from partnerdesk.sharing.importer import ImportResult, import_bundle


@dataclass(frozen=True)
class JoinResult:
    organization_id: str
    organization_name: str
    imported: ImportResult


def colleague_organization(bundle: Bundle, name: str = "This bundle") -> tuple[str, str]:
    """The id and name of the organization the bundle's sender works for (a streamed
    bundle's organizations are read here once more, which is little: one a record)."""
    ours = [line for line in bundle.lines("organization")
            if line["values"].get("is_us") is True and not _deleted(line)]
    if not ours:
        raise PartnerDeskError(
            f"{name} does not say which organization its sender works for (a bundle made "
            "for a partner leaves that out). Ask your colleague for a bundle of everything "
            "for our own laptops: Sharing, Export, without \"for a partner\".")
    if len(ours) > 1:
        names = "; ".join(str(line["values"].get("name", "")) for line in ours[:3])
        raise PartnerDeskError(
            f"{name} names more than one organization as its sender's own ({names}). Ask "
            "your colleague to keep one of them as \"our organization\" and export again.")
    return str(ours[0]["id"]), str(ours[0]["values"].get("name", ""))


def _deleted(line: dict[str, object]) -> bool:
    from partnerdesk.services.versioning import is_deleted

    return is_deleted(line["stamps"], line["delete_ctx"])  # type: ignore[arg-type]


def join_bundle(desk: Desk, bundle: Bundle, your_name: str, *, source: str = "",
                name: str = "This bundle", progress: Progress | None = None) -> JoinResult:
    """Import a colleague's bundle into this new database, their organization as ours."""
    refuse_unless_first_run(desk)
    organization_id, organization_name = colleague_organization(bundle, name)
    check_person_name(your_name)
    result = import_bundle(desk, bundle, source=source, name=name, progress=progress)
    desk.settings.your_name = your_name  # after the import: a refused bundle changes nothing
    return JoinResult(organization_id, organization_name, result)


def join_file(desk: Desk, path: Path | str, your_name: str, *,
              passphrase: str | None = None, progress: Progress | None = None) -> JoinResult:
    """Read a colleague's bundle file (sealed or not) and join with it. The file is read
    as an import reads it (`limits.read_bundle(stream=True)`): checked whole first, then
    its lines parsed a part at a time as they are written, never all held at once."""
    path = Path(path)
    refuse_unless_first_run(desk)
    bundle = limits.read_file(path, passphrase, stream=True)
    return join_bundle(desk, bundle, your_name, source=str(path), name=path.name,
                       progress=progress)
