"""The partnership report's sections on community events and feedback."""

from reportlab.platypus import Flowable

from partnerdesk.reports import text
from partnerdesk.reports.blocks import empty, heading, keep, para, subheading, table
from partnerdesk.reports.styles import Styles
from partnerdesk.services.reporting import PartnershipReport
from partnerdesk.services.reporting.events import total_reached


def _zone(name: str) -> str:
    return name.rsplit("/", 1)[-1].replace("_", " ") + " time" if name else ""


def events_section(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Community events", s)]
    if not report.events:
        return story + [empty("No community events of this partnership fall in this period.",
                              s)]
    reached = total_reached(report.events)
    count = len(report.events)
    story.append(para(f"{count} event{'' if count == 1 else 's'}; {reached:,} people reached "
                      "in all. "
                      "Attendance is counted, never named.", s, "muted"))
    rows = []
    for event in report.events:
        who = "; ".join(part for part in (
            event.hosts and "Hosted by " + ", ".join(event.hosts),
            event.partners and "with " + ", ".join(event.partners)) if part)
        counts = ", ".join(f"{category}: {count:,}" for category, count in event.counts)
        total = "—" if event.people_reached is None else f"{event.people_reached:,}"
        rows.append([f"{text.when(event.starts_at)}\n{_zone(event.time_zone)}",
                     f"{event.title}\n{event.kind}" + (f", {event.place}" if event.place
                                                       else ""),
                     who or "—", ", ".join(event.resources) or "—",
                     total + (f"\n{counts}" if counts else "")])
    story.append(table(["When", "Event", "Who", "Resources used", "People reached"], rows,
                       [width * f for f in (0.15, 0.27, 0.22, 0.18, 0.18)], s))
    return story


def feedback_section(report: PartnershipReport, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Feedback", s)]
    if not report.feedback:
        return story + [empty("No feedback was recorded for this partnership in this period.",
                              s)]
    rows = [[text.day(f.received_on), f"{f.title}\n{f.summary}".strip(),
             f"{f.source}" + (f" ({f.organization})" if f.organization else "")
             + f"\n{f.channel}", f.sentiment, ", ".join(f.themes) or "—"]
            for f in report.feedback]
    story.append(table(["Received", "Feedback", "From, how", "Sentiment", "Themes"], rows,
                       [width * f for f in (0.13, 0.40, 0.18, 0.13, 0.16)], s))
    for f in report.feedback:
        if not f.results:
            continue
        answered = f" ({f.respondents:,} people answered)" if f.respondents else ""
        rows = []
        for question in f.results:
            for number, answer in enumerate(question.answers):
                share = f"{answer.count / question.total:.0%}" if question.total else "—"
                rows.append([question.question if number == 0 else "", answer.answer,
                             f"{answer.count:,}", share])
        story.append(keep(subheading(f"Survey results: {f.title}{answered}", s),
                          table(["Question", "Answer", "How many", "Share"], rows,
                                [width * x for x in (0.46, 0.3, 0.12, 0.12)], s)))
    story.append(para("Survey results are totals only: how many chose each answer, never "
                      "who answered what.", s, "muted"))
    return story
