"""Beside a health review's elements: the partnership's feedback since its last review.

The regular evaluations need evidence; this panel lists what partners, staff and the
community said since the previous review (`desk.feedback.since_last_review`), newest
first, each with its channel, sentiment and themes, and for a survey its totals.
"""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from partnerdesk.services import Desk
from partnerdesk.services.feedback import FeedbackLine
from partnerdesk.ui.widgets.dates import show_date

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def describe(line: FeedbackLine) -> str:
    """The text of one line: when, from whom and how, what it says."""
    source = line.source + (f" ({line.organization})" if line.organization else "")
    parts = [line.title, f"{show_date(line.received_on)} · {line.channel} · {line.sentiment} · "
                         f"{source}"]
    if line.themes:
        parts.append("Themes: " + ", ".join(line.themes))
    return "\n".join(parts)


def details(line: FeedbackLine) -> str:
    """The tooltip: the summary and a survey's totals."""
    parts = [line.summary] if line.summary else []
    for question in line.results:
        answers = ", ".join(f"{a.answer} {a.count:,}" for a in question.answers)
        parts.append(f"{question.question}: {answers}")
    return "\n".join(parts) or line.title


class FeedbackEvidence(QGroupBox):
    def __init__(self, desk: Desk, parent: QGroupBox | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setTitle(self.tr("Feedback since the last review"))
        self.since = QLabel()
        self.since.setWordWrap(True)
        self.lines = QListWidget()
        self.lines.setAccessibleName(self.tr("Feedback since the last review"))
        self.lines.setWordWrap(True)
        self.lines.setAlternatingRowColors(True)
        self.lines.setMinimumWidth(240)
        layout = QVBoxLayout(self)
        layout.addWidget(self.since)
        layout.addWidget(self.lines, 1)

    def show_for(self, partnership_id: str | None, on: date | None,
                 review_id: str | None = None) -> list[FeedbackLine]:
        self.lines.clear()
        if not partnership_id or on is None:
            self.since.setText("")
            return []
        previous, found = self.desk.feedback.since_last_review(partnership_id, on, review_id)
        self.since.setText(
            self.tr("Received after the review of {day}:").format(day=show_date(previous))
            if previous else self.tr("No earlier review: all the partnership's feedback."))
        for line in found:
            item = QListWidgetItem(describe(line))
            item.setToolTip(details(line))
            item.setData(ID_ROLE, line.id)
            self.lines.addItem(item)
        if not found:
            item = QListWidgetItem(self.tr("No feedback recorded since then. Surveys, focus "
                                           "groups and conversations go under Feedback."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.lines.addItem(item)
        return found
