"""Meeting minutes: one meeting, ready to send to the people who attended."""

from reportlab.platypus import Flowable, Spacer

from partnerdesk.reports import text
from partnerdesk.reports.blocks import empty, facts, heading, para, table, title_block
from partnerdesk.reports.page import frame_width, render_story
from partnerdesk.reports.styles import Styles, make_styles
from partnerdesk.services.reporting import MinutesReport


def render_minutes(report: MinutesReport, page_size: str = "letter") -> bytes:
    s = make_styles()
    width = frame_width(page_size)
    story: list[Flowable] = title_block(report.meta, s)
    ends = f" to {report.ends_at:%H:%M}" if report.ends_at else ""
    story.append(facts([("When", text.when(report.starts_at) + ends),
                        ("Where", report.location or "Not recorded"),
                        ("Partnership", report.partnership or "None")], s, width))
    story += _attendees(report, s, width)
    for title, body, missing in (
            ("Agenda", report.agenda, "No agenda was recorded."),
            ("Notes", report.notes, "No notes were recorded."),
            ("Decisions", report.decisions, "No decisions were recorded.")):
        story.append(heading(title, s))
        story.append(para(body, s) if body.strip() else empty(missing, s))
    story += _actions(report, s, width)
    return render_story(report.meta, story, page_size)


def _attendees(report: MinutesReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Attendees", s)]
    if not report.attendees and not report.unnamed_attendees:
        return story + [empty("No attendees were recorded.", s)]
    if report.attendees:
        rows = [[c.name, c.role or "—", c.organization or "—"] for c in report.attendees]
        story.append(table(["Name", "Role", "Organization"], rows,
                           [width * f for f in (0.32, 0.34, 0.34)], s, bold_columns=[0]))
    if report.unnamed_attendees:
        story.append(Spacer(1, 4))
        story.append(para("Also attending: " + "; ".join(report.unnamed_attendees) + ".", s))
    return story


def _actions(report: MinutesReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Action items", s)]
    if not report.actions:
        return story + [empty("No action items came out of this meeting.", s)]
    rows, flags = [], []
    for index, a in enumerate(report.actions):
        status = "Done" if a.done else ("OVERDUE" if a.overdue else "Open")
        if a.overdue:
            flags.append(index)
        rows.append([a.description, a.owner or "Not assigned", text.day(a.due), status])
    story.append(table(["What", "Owner", "Due", "Status"], rows,
                       [width * f for f in (0.44, 0.28, 0.14, 0.14)], s, flags,
                       bold_cells=[(i, 3) for i in flags]))
    return story
