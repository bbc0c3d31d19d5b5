"""The agreements register: every agreement, grouped by status, flags in words."""

from collections.abc import Callable, Sequence

from reportlab.platypus import Flowable

from partnerdesk.reports import text
from partnerdesk.reports.blocks import Cell, empty, heading, para, table, title_block
from partnerdesk.reports.cells import TextBlock
from partnerdesk.reports.page import frame_width, render_story
from partnerdesk.reports.styles import CELL, CELL_NOTE, Styles, make_styles
from partnerdesk.services.reporting import AgreementLine, AgreementsRegister

# The states of `services.agreement_rules.expiry`, as a flag over the days left.
FLAG_WORDS = {"expiring": "EXPIRES SOON", "expired_active": "EXPIRED BUT STILL IN FORCE"}
HEADERS = ["Agreement", "Parties", "Effective", "Expires", "Days left", "Renewal terms"]
WIDTHS = (0.21, 0.21, 0.125, 0.125, 0.15, 0.18)


def render_agreements(report: AgreementsRegister, page_size: str = "letter") -> bytes:
    s = make_styles()
    width = frame_width(page_size)
    story: list[Flowable] = title_block(report.meta, s)
    flagged = [line for _, lines in report.groups for line in lines if line.flag]
    story.append(heading("Summary", s))
    if not report.count:
        story.append(empty("No agreements have been recorded yet.", s))
        return render_story(report.meta, story, page_size)
    counts = ", ".join(f"{len(lines):,} {label.lower()}" for label, lines in report.groups)
    story.append(para(f"{report.count:,} agreement{'s' if report.count != 1 else ''}: "
                      f"{counts}.", s))
    if flagged:
        story.append(para(f"{len(flagged):,} need attention: they expire within "
                          f"{report.warning_days:,} days, or have expired while still marked "
                          "signed or active. They are shaded and marked in capitals below.", s))
    else:
        story.append(para(f"None expires within {report.warning_days:,} days, and none has "
                          "expired while still marked signed or active.", s))
    for label, lines in report.groups:
        story.append(heading(f"{label} ({len(lines):,})", s))
        story.append(agreement_table(lines, width, s, note=lambda line: line.partnership))
    return render_story(report.meta, story, page_size)


def agreement_table(lines: Sequence[AgreementLine], width: float, s: Styles,
                    note: Callable[[AgreementLine], str]) -> Flowable:
    """One row per agreement, flags in capitals and shaded; `note` is the small line
    under each title (the partnership in the register, the status in a partnership's
    report). The same table in both reports, so they read alike."""
    rows: list[list[Cell]] = []
    flags, bold = [], []
    for index, line in enumerate(lines):
        title: Cell = line.title
        if note(line):
            title = TextBlock([(line.title, CELL), (note(line), CELL_NOTE)])
        days = text.days_left(line.days_left)
        if line.flag:
            flags.append(index)
            bold.append((index, 4))
            days = f"{FLAG_WORDS[line.flag]}\n{days}"
        notice = f" Notice: {line.notice_days} days." if line.notice_days else ""
        rows.append([title, ", ".join(line.parties) or "None recorded",
                     text.day(line.effective), text.day(line.expiry), days,
                     (line.renewal_terms or "None recorded") + notice])
    return table(HEADERS, rows, [width * f for f in WIDTHS], s, flags, bold_cells=bold)
