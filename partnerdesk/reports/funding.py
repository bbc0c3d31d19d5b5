"""The funding register, and the funding section of the partnership report.

Both read alike: what was applied for, won and given in kind, the funding by status with
its key dates, and the reports and outcomes owed to funders, flags in capitals and
shaded (`funding_rules` decides which). Amounts marked internal were left out when the
report was gathered; the text says how many.
"""

from collections.abc import Callable, Sequence
from datetime import date

from reportlab.platypus import Flowable, Spacer

from partnerdesk.reports import text
from partnerdesk.reports.blocks import Cell, empty, facts, heading, para, subheading, table
from partnerdesk.reports.blocks import title_block as report_title
from partnerdesk.reports.cells import TextBlock
from partnerdesk.reports.page import frame_width, render_story
from partnerdesk.reports.styles import CELL, CELL_NOTE, Styles, make_styles
from partnerdesk.services.money import amount_text
from partnerdesk.services.reporting import (
    DeliverableLine,
    FundingLine,
    FundingRegister,
    FundingTotals,
    open_deliverables,
)

# The kinds of `services.funding_rules`, as a flag in capitals.
FLAG_WORDS = {"funding_deadline": "DEADLINE SOON",
              "funding_deadline_passed": "DEADLINE PASSED, NOT SUBMITTED",
              "funding_decision_overdue": "DECISION OVERDUE",
              "deliverable_due": "DUE SOON", "deliverable_overdue": "OVERDUE"}
INTERNAL = "Internal"  # shown instead of an amount left out for partners


def render_funding(report: FundingRegister, page_size: str = "letter") -> bytes:
    s = make_styles()
    width = frame_width(page_size)
    story: list[Flowable] = report_title(report.meta, s)
    story.append(heading("Summary", s))
    if not report.count:
        story.append(empty("No funding has been recorded yet.", s))
        return render_story(report.meta, story, page_size)
    counts = ", ".join(f"{len(lines):,} {label.lower()}" for label, lines in report.groups)
    story.append(para(f"{report.count:,} funding record{'s' if report.count != 1 else ''}: "
                      f"{counts}.", s))
    story += summary(report.totals, s, width)
    for label, lines in report.groups:
        story.append(heading(f"{label} ({len(lines):,})", s))
        story.append(funding_table(lines, width, s, report.totals.currency,
                                   note=lambda line: line.for_whom))
    story += in_kind(tuple(line for _, lines in report.groups for line in lines), s, width,
                     report.totals.currency, title=heading)
    story.append(heading("Reports and outcomes due to funders", s))
    story += deliverables_table(report.due, s, width, with_funding=True,
                                nothing="No reports or outcomes are owed to funders.")
    return render_story(report.meta, story, page_size)


def summary(totals: FundingTotals, s: Styles, width: float) -> list[Flowable]:
    """Applied, won, in kind and reports due, in a box, with what was left out."""
    warning_days = totals.warning_days
    def money(cents: int, count: int, what: str, none: str) -> str:
        if not count:
            return none
        return f"{amount_text(cents, totals.currency)} ({count:,} {what})"

    pairs = [("Applied for", money(totals.applied, totals.applied_count,
                                   "application" if totals.applied_count == 1
                                   else "applications", "No applications")),
             ("Won", money(totals.won, totals.won_count,
                           "award" if totals.won_count == 1 else "awards", "No awards")),
             ("In-kind support", money(totals.in_kind, totals.in_kind_count,
                                       "with funding won", "None with funding won")),
             ("Reports and outcomes due", f"{totals.due_count:,} due within "
              f"{warning_days:,} days or overdue" if totals.due_count else
              f"None due within {warning_days:,} days")]
    story: list[Flowable] = [facts(pairs, s, width), Spacer(1, 8)]
    if totals.hidden_count:
        records = "record" if totals.hidden_count == 1 else "records"
        story.append(para(f"The amounts of {totals.hidden_count:,} funding {records} are "
                          "internal: they are not shown and not counted here.", s, "muted"))
    return story


def _dates(line: FundingLine) -> str:
    """Each key date on a line of its own, never broken inside a date ("28 Sep" / "2026")."""
    def whole(day: date | None) -> str:
        return text.day(day).replace(" ", "\u00a0")

    parts = []
    if line.deadline:
        parts.append(f"Deadline {whole(line.deadline)}")
    if line.decision_expected:
        parts.append(f"Decision {whole(line.decision_expected)}")
    if line.start or line.end:
        parts.append(f"Runs {whole(line.start)} to {whole(line.end)}")
    return "\n".join(parts) or "No dates recorded"


def _amount(line: FundingLine, cents: int | None, currency: str) -> str:
    if not line.amounts_shown:
        return INTERNAL
    return amount_text(cents, currency, empty="—")


def funding_table(lines: Sequence[FundingLine], width: float, s: Styles, currency: str,
                  note: Callable[[FundingLine], str]) -> Flowable:
    """One row per funding: funder and programme under the title, amounts, key dates and
    what needs attention. The same table in the register and the partnership report."""
    rows: list[list[Cell]] = []
    flags, bold = [], []
    for index, line in enumerate(lines):
        under = " · ".join(part for part in (line.funder, line.programme, note(line)) if part)
        title: Cell = TextBlock([(line.title, CELL), (under, CELL_NOTE)]) if under \
            else line.title
        attention = line.status
        if line.flag:
            flags.append(index)
            bold.append((index, 5))
            attention = f"{FLAG_WORDS[line.flag]}\n{line.flag_message}"
        rows.append([title, _amount(line, line.requested, currency),
                     _amount(line, line.awarded, currency), _dates(line),
                     f"{len(line.deliverables):,}" if line.deliverables else "—", attention])
    return table(["Funding", "Requested", "Awarded", "Key dates", "Reports", "Status"], rows,
                 [width * f for f in (0.26, 0.13, 0.11, 0.2, 0.1, 0.2)], s, flags,
                 bold_cells=bold)


def in_kind(lines: Sequence[FundingLine], s: Styles, width: float, currency: str,
            title: Callable[[str, Styles], Flowable] = subheading) -> list[Flowable]:
    rows = [[line.title, line.in_kind, _amount(line, line.in_kind_value, currency)]
            for line in lines if line.in_kind]
    if not rows:
        return []
    return [title("In-kind support", s),
            table(["Funding", "What is given", "Estimated value"], rows,
                  [width * f for f in (0.32, 0.5, 0.18)], s)]


def deliverables_table(items: Sequence[DeliverableLine], s: Styles, width: float, *,
                       with_funding: bool, nothing: str) -> list[Flowable]:
    if not items:
        return [empty(nothing, s)]
    rows: list[list[Cell]] = []
    flags = []
    for index, item in enumerate(items):
        state = FLAG_WORDS.get(item.flag, "Open")
        if item.flag:
            flags.append(index)
        what: Cell = TextBlock([(item.title, CELL), (item.funding, CELL_NOTE)]) \
            if with_funding else item.title
        rows.append([text.day(item.due), what, item.kind, item.owner or "Not assigned",
                     state])
    return [table(["Due", "What", "Kind", "Who", "State"], rows,
                  [width * f for f in (0.14, 0.42, 0.12, 0.18, 0.14)], s, flags,
                  bold_cells=[(i, 4) for i in flags])]


def funding_section(lines: Sequence[FundingLine], totals: FundingTotals | None, s: Styles,
                    width: float) -> list[Flowable]:
    """The partnership report's Funding section: applied, won, in kind, reports due."""
    story: list[Flowable] = [heading("Funding", s)]
    if not lines or totals is None:
        return story + [empty("No funding is recorded for this partnership.", s)]
    story += summary(totals, s, width)
    story.append(funding_table(lines, width, s, totals.currency, note=lambda _line: ""))
    story += in_kind(lines, s, width, totals.currency)
    story.append(subheading("Reports and outcomes due to funders", s))
    story += deliverables_table(open_deliverables(lines), s, width, with_funding=True,
                                nothing="No reports or outcomes are owed to funders.")
    return story
