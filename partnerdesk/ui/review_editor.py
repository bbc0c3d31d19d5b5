"""Partnership health reviews: record one (eight 1–5 scores with comments, an overall
note, next steps), and a panel charting the scores over time.

`ReviewsPanel(desk, partnership_id)` is what the partnership editor embeds.
"""

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.reviews import SCORE_LABELS, ReviewTrend
from partnerdesk.ui.editor_base import RecordEditor
from partnerdesk.ui.editors.fields import text_area
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.widgets.chart import ChartWidget, Series
from partnerdesk.ui.widgets.data_hub import hub_for
from partnerdesk.ui.widgets.dates import OptionalDateEdit
from partnerdesk.ui.widgets.feedback_evidence import FeedbackEvidence

AVERAGE = "__average__"
ID_ROLE = Qt.ItemDataRole.UserRole


class ReviewEditor(RecordEditor):
    """One review of one partnership; saving also adds the next steps as action items
    and moves the partnership's next review date on (`services.reviews`)."""

    record_type = "partnership_review"

    def __init__(self, desk: Desk, partnership_id: str, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.partnership_id = partnership_id
        self.reviewed_on = self.add_field("reviewed_on", self.tr("Review &date:"),
                                          OptionalDateEdit(optional=False))
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(self.tr("<b>Element</b>")), 0, 0)
        grid.addWidget(QLabel(self.tr("<b>Score</b>")), 0, 1)
        grid.addWidget(QLabel(self.tr("<b>Comment</b>")), 0, 2)
        self.scores: dict[str, QComboBox] = {}
        self.comments: dict[str, QLineEdit] = {}
        for row, (key, label) in enumerate(v.REVIEW_ELEMENTS, start=1):
            name = QLabel(self.tr(label))
            combo = QComboBox()
            combo.addItem(self.tr("Not scored"), None)
            for score, text in SCORE_LABELS.items():
                combo.addItem(self.tr(text), score)
            combo.setAccessibleName(self.tr("Score for %1").replace("%1", self.tr(label)))
            name.setBuddy(combo)
            comment = QLineEdit()
            comment.setAccessibleName(self.tr("Comment on %1").replace("%1", self.tr(label)))
            comment.setPlaceholderText(self.tr("What shows this?"))
            grid.addWidget(name, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(comment, row, 2)
            self.watch(combo)
            self.watch(comment)
            self.scores[key], self.comments[key] = combo, comment
        grid.setColumnStretch(2, 1)
        # the evidence beside the elements: feedback since the partnership's last review
        self.evidence = FeedbackEvidence(desk)
        beside = QWidget()
        beside_row = QHBoxLayout(beside)
        beside_row.setContentsMargins(0, 0, 0, 0)
        beside_row.addWidget(grid_box, 3)
        beside_row.addWidget(self.evidence, 2)
        self.add_field("scores", self.tr("Scores:"), beside)
        self.reviewed_on.dateChanged.connect(lambda _d: self._show_evidence())
        self.overall = self.add_field("overall_note", self.tr("&Overall:"), text_area(3))
        self.next_steps = self.add_field("next_steps", self.tr("&Next steps:"), text_area(3))
        self.next_steps.setPlaceholderText(self.tr(
            "One step per line; each becomes an action item of the partnership."))

    def score_values(self) -> dict[str, dict[str, Any]]:
        found = {}
        for key, combo in self.scores.items():
            score, comment = combo.currentData(), self.comments[key].text().strip()
            if score is not None or comment:
                found[key] = {"score": score, "comment": comment}
        return found

    def widget_values(self) -> dict[str, Any]:
        return {"partnership_id": self.partnership_id, "reviewed_on": self.reviewed_on.value(),
                "scores": self.score_values(), "overall_note": self.overall.toPlainText(),
                "next_steps": self.next_steps.toPlainText()}

    def show_record(self, row: Any | None) -> None:
        self.reviewed_on.set_value(row.reviewed_on if row else date.today())
        stored = (row.scores if row else {}) or {}
        for key, combo in self.scores.items():
            entry = stored.get(key) or {}
            index = combo.findData(entry.get("score"))
            combo.setCurrentIndex(index if index >= 0 else 0)
            self.comments[key].setText(str(entry.get("comment") or ""))
        self.overall.setPlainText(row.overall_note if row else "")
        self.next_steps.setPlainText(row.next_steps if row else "")
        self._show_evidence(row.id if row else None)

    def _show_evidence(self, review_id: str | None = None) -> None:
        self.evidence.show_for(self.partnership_id, self.reviewed_on.value(),
                               review_id or self.record_id)

    def revalidate(self) -> bool:
        problems = self.desk.reviews.problems(self.widget_values())
        self.show_problems(problems)
        valid = not any(not p.warning for p in problems)
        if valid != self._valid:
            self._valid = valid
            self.sig_valid_changed.emit(valid)
        return valid

    def save(self) -> bool:
        """One step through the reviews service: review, action items, next review date."""
        values = self.widget_values()
        try:
            row = self.desk.reviews.record(
                self.partnership_id, reviewed_on=values["reviewed_on"],
                scores=values["scores"], overall_note=values["overall_note"],
                next_steps=values["next_steps"], review_id=self.record_id)
        except ValidationError as error:
            self.show_problems(error.problems)
            return False
        except Exception as error:  # shown calmly; the typed text stays in the widgets
            show_error(self, error)
            return False
        self.record_id = row.id
        self._saved_values = self.widget_values()
        self._set_dirty(False)
        self.sig_saved.emit(row.id)
        return True


class ReviewDialog(QDialog):
    def __init__(self, editor: ReviewEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setWindowTitle(self.tr("Partnership review"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(editor.is_valid())
        editor.sig_valid_changed.connect(self.save_button.setEnabled)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(720, 640)

    def _save(self) -> None:
        if self.editor.revalidate() and self.editor.save():
            self.accept()

    def reject(self) -> None:
        if self.editor.maybe_save():
            super().reject()


class ReviewsPanel(QWidget):
    """A partnership's reviews: a chart of the scores over time, the list, and buttons."""

    sig_changed = Signal()
    """A review was recorded or corrected."""

    def __init__(self, desk: Desk, partnership_id: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.partnership_id = partnership_id
        self.data: ReviewTrend | None = None
        self.element = QComboBox()
        self.element.setAccessibleName(self.tr("Element to chart"))
        self.element.addItem(self.tr("Average of all elements"), AVERAGE)
        for key, label in v.REVIEW_ELEMENTS:
            self.element.addItem(self.tr(label), key)
        self.element.currentIndexChanged.connect(self._chart)
        self.chart = ChartWidget()
        self.chart.setMinimumHeight(180)
        self.reviews = QListWidget()
        self.reviews.setAccessibleName(self.tr("Reviews"))
        self.reviews.itemDoubleClicked.connect(lambda item: self.open_review(item.data(ID_ROLE)))
        self.latest = QLabel()
        self.latest.setWordWrap(True)
        self.add_button = QPushButton(self.tr("&Record a review…"))
        self.add_button.clicked.connect(lambda: self.open_review(None))
        self.open_button = QPushButton(self.tr("Open review…"))
        self.open_button.clicked.connect(self._open_selected)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Chart:")))
        top.addWidget(self.element, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.latest)
        layout.addWidget(self.reviews, 1)
        layout.addLayout(buttons)
        hub_for(desk).sig_data_changed.connect(self._on_changes)
        self.refresh()

    def set_partnership(self, partnership_id: str | None) -> None:
        """Show another partnership's reviews (None: a partnership not saved yet)."""
        self.partnership_id = partnership_id  # type: ignore[assignment]
        self.refresh()

    def refresh(self) -> None:
        """A partnership has few reviews: read them directly."""
        saved = bool(self.partnership_id)
        self.add_button.setEnabled(saved)
        self.open_button.setEnabled(saved)
        if not saved:
            self.data = None
            self.reviews.clear()
            self.latest.setText(self.tr("Save the partnership first, then record its reviews."))
            self.chart.show_lines([], empty_text=self.tr("No reviews yet."))
            return
        self.data = self.desk.reviews.trend(self.partnership_id)
        self.reviews.clear()
        for review in reversed(self.data.reviews):
            average = "—" if review.average is None else f"{review.average:.1f}"
            item = QListWidgetItem(self.tr("%1 · average %2 · %3").replace(
                "%1", f"{review.reviewed_on:%d %b %Y}".lstrip("0")).replace(
                "%2", average).replace("%3", review.overall_note.splitlines()[0]
                                       if review.overall_note else self.tr("no overall note")))
            item.setData(ID_ROLE, review.id)
            self.reviews.addItem(item)
        latest = self.data.latest
        if latest is None:
            self.latest.setText(self.tr("No review recorded yet."))
        else:
            weakest = sorted(latest.scores.items(), key=lambda kv: kv[1])[:2]
            names = ", ".join(f"{v.label(v.REVIEW_ELEMENTS, k)} ({s})" for k, s in weakest)
            self.latest.setText(self.tr("Latest review %1. Lowest scores: %2.").replace(
                "%1", f"{latest.reviewed_on:%d %b %Y}".lstrip("0")).replace("%2", names or "—"))
        self._chart()

    def _chart(self) -> None:
        if self.data is None:
            return
        key = self.element.currentData()
        if key == AVERAGE:
            series = [Series(self.tr("Average score"), list(self.data.average))]
        else:
            series = [Series(self.tr(v.label(v.REVIEW_ELEMENTS, key)),
                             [(d, float(s)) for d, s in self.data.series.get(key, ())])]
        self.chart.show_lines(series, y_range=(1, 5), unit=self.tr("score 1–5"),
                              empty_text=self.tr("No scores yet: record a review to see "
                                                 "how the partnership is doing over time."))

    def _on_changes(self, changes: list[Any]) -> None:
        if any(c.record_type == "partnership_review" for c in changes):
            self.refresh()

    def _open_selected(self) -> None:
        item = self.reviews.currentItem()
        if item is not None:
            self.open_review(item.data(ID_ROLE))

    def open_review(self, review_id: str | None) -> bool:
        editor = ReviewEditor(self.desk, self.partnership_id)
        editor.load(review_id)
        accepted = ReviewDialog(editor, self).exec() == QDialog.DialogCode.Accepted
        if accepted:
            self.refresh()
            self.sig_changed.emit()
        return accepted
