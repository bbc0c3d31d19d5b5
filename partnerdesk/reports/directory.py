"""The contact directory: organizations and their contacts, shareable ones only unless the
person making it explicitly asked for an internal copy."""

from reportlab.platypus import Flowable

from partnerdesk.reports import text
from partnerdesk.reports.blocks import Cell, empty, heading, keep, para, table, title_block
from partnerdesk.reports.cells import TextBlock
from partnerdesk.reports.page import frame_width, render_story
from partnerdesk.reports.styles import CELL_BOLD, Styles, make_styles
from partnerdesk.services.reporting import DirectoryOrganization, DirectoryReport

# Name, role, e-mail, phone, notes: a whole e-mail address and an international phone
# number (kept on one line) fit their columns.
PHONE_BOOK_WIDTHS = (0.19, 0.15, 0.32, 0.18, 0.16)


def render_directory(report: DirectoryReport, page_size: str = "letter") -> bytes:
    s = make_styles()
    width = frame_width(page_size)
    story: list[Flowable] = title_block(report.meta, s)
    people = sum(len(o.contacts) for o in report.organizations)
    if report.meta.for_partner:
        intro = (f"{text.counted(len(report.organizations), 'organization')} and "
                 f"{text.counted(people, 'contact')} who agreed to be listed.")
        if report.withheld:
            intro += (f" {text.counted(report.withheld, 'contact')} who "
                      f"{'has' if report.withheld == 1 else 'have'} not agreed to be shared "
                      f"{'is' if report.withheld == 1 else 'are'} left out.")
    else:
        intro = (f"{text.counted(len(report.organizations), 'organization')} and "
                 f"{text.counted(people, 'contact')}. "
                 "Contacts marked NOT FOR SHARING have not agreed to be shared.")
    story.append(para(intro, s))
    if not report.organizations:
        story.append(empty("No organizations have been recorded yet.", s))
    for org in report.organizations:
        story += _organization(org, s, width, report.meta.for_partner)
    return render_story(report.meta, story, page_size)


def _organization(org: DirectoryOrganization, s: Styles, width: float,
                  for_partner: bool) -> list[Flowable]:
    details = "  ·  ".join(p for p in (org.kind, org.phone, org.email, org.website,
                                        org.address) if p)
    head = [heading(org.name, s)]
    if details:
        head.append(para(details, s, "muted"))
    if not org.contacts:
        return [keep(*head, empty("No contacts listed.", s))]
    rows: list[list[Cell]] = []
    for c in org.contacts:
        name: Cell = c.name
        if not c.shared:
            name = TextBlock([(c.name, CELL_BOLD), ("NOT FOR SHARING", CELL_BOLD)])
        note = c.notes
        if not for_partner and c.internal_notes:
            note = (note + "\n" if note else "") + f"Internal: {c.internal_notes}"
        rows.append([name, c.role or "—", c.email or "—", text.phone(c.phone), note or "—"])
    contacts = table(["Name", "Role", "E-mail", "Phone", "Notes"], rows,
                     [width * f for f in PHONE_BOOK_WIDTHS], s, bold_columns=[0])
    return [keep(*head, contacts)] if len(rows) < 15 else [*head, contacts]
