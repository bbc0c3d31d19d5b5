"""The feedback editor: who said it, when and how, what it says (summary, themes,
sentiment), which partnership it is about and which health review weighed it; for a
survey, its results as totals (how many chose each answer), typed or read from a CSV.

The results are kept in memory until Save, then saved with the feedback in one step
(`desk.feedback.save`); a CSV of totals is read by `services.survey_import` and only
fills the list, so nothing reaches the database before Save.
"""

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.survey_import import SurveyImportError, read_totals
from partnerdesk.services.validation import MAX_COUNT
from partnerdesk.ui.editors.children import (
    ChildSection,
    Column,
    EditorWithChildren,
    child_problems,
    format_date,
    page,
)
from partnerdesk.ui.editors.fields import field_getter, text_area
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.dates import DateEdit
from partnerdesk.ui.widgets.pickers import RecordPicker
from partnerdesk.ui.widgets.tag_edit import TagEdit


class FeedbackEditor(EditorWithChildren):
    record_type = "feedback"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.layout().addWidget(self.tabs)

        # -- details -----------------------------------------------------------------
        self.title = self.add_field("title", self.tr("&Title:"), QLineEdit())
        self.title.setPlaceholderText(self.tr("e.g. Focus group with the health navigators"))
        self.partnership = RecordPicker(desk, "partnership",
                                        placeholder=self.tr("Type to find the partnership…"))
        self.add_field("partnership_id", self.tr("&Partnership:"), self.partnership)
        self.partnership.sig_picked.connect(self.on_edited)
        self.partnership.sig_picked.connect(lambda _picked: self._fill_reviews())
        self.source = self.add_field("source", self.tr("&From:"),
                                     ChoiceCombo(v.FEEDBACK_SOURCES))
        self.organization = RecordPicker(desk, "organization",
                                         placeholder=self.tr("Which organization (optional)…"))
        self.add_field("organization_id", self.tr("Or&ganization:"), self.organization)
        self.organization.sig_picked.connect(self.on_edited)
        self.received_on = self.add_field("received_on", self.tr("&Received on:"),
                                          DateEdit(optional=False))
        self.channel = self.add_field("channel", self.tr("&Channel:"),
                                      ChoiceCombo(v.FEEDBACK_CHANNELS))
        self.sentiment = self.add_field("sentiment", self.tr("S&entiment:"),
                                        ChoiceCombo(v.SENTIMENTS))
        self.themes = self.add_field("tags", self.tr("T&hemes:"), TagEdit(
            lambda: [t.name for t in desk.tags.list()]), tooltip=self.tr(
            "What it is about, separated by commas: they work like tags."))
        self.themes.setPlaceholderText(self.tr("For example: transport, opening hours"))
        self.review = QComboBox()
        self.add_field("review_id", self.tr("Re&view:"), self.review, tooltip=self.tr(
            "The partnership's health review that weighed this feedback, if any."))
        self.respondents = QSpinBox()
        self.respondents.setRange(-1, MAX_COUNT)
        self.respondents.setSpecialValueText(self.tr("Not counted"))
        self.respondents.setGroupSeparatorShown(True)
        self.add_field("respondents", self.tr("People who &answered:"), self.respondents,
                       tooltip=self.tr("How many people took part: a number, no names."))
        self.summary = self.add_field("summary", self.tr("&Summary:"), text_area(4))
        self.internal_notes = self.add_field(
            "internal_notes", self.tr("&Internal notes:"), text_area(2),
            tooltip=self.tr("Kept out of reports and exports sent to partners."))
        self.tabs.addTab(page(self.take_form()), self.tr("Details"))

        # -- survey results ------------------------------------------------------------
        self.results = self.child_model([
            Column("question", self.tr("Question")),
            Column("answer", self.tr("Answer")),
            Column("count", self.tr("How many chose it"), "int"),
        ])
        self.results_section = self.child_section("results", ChildSection(
            self.tr("Survey results (totals only: how many chose each answer)"),
            self.results, add_label=self.tr("Add &answer"),
            empty_text=self.tr("No results yet. Type them, or read a CSV of totals.")))
        self.result_question = self.results_section.add_input(
            QComboBox(), self.tr("Question"), 3)
        self.result_question.setEditable(True)
        self.result_question.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.result_answer = self.results_section.add_input(QLineEdit(), self.tr("Answer"), 2)
        self.result_count = self.results_section.add_input(QSpinBox(), self.tr("How many"), 1)
        self.result_count.setRange(0, MAX_COUNT)
        self.result_count.setGroupSeparatorShown(True)
        self.result_answer.returnPressed.connect(self.add_result)
        self.results_section.add_button.clicked.connect(self.add_result)
        self.import_button = QPushButton(self.tr("Read totals from a CSV &file…"))
        self.import_button.setToolTip(self.tr(
            "A spreadsheet saved as CSV with the columns question, answer and count."))
        self.import_button.clicked.connect(self.choose_totals_file)
        self.results_page = page(self.results_section, self.import_button)
        self.tabs.addTab(self.results_page, self.tr("Survey results"))

    # -- the RecordEditor contract ----------------------------------------------------
    def widget_values(self) -> dict[str, Any]:
        respondents = self.respondents.value()
        return {
            "title": self.title.text(),
            "partnership_id": self.partnership.value(),
            "source": self.source.value(),
            "organization_id": self.organization.value(),
            "received_on": self.received_on.value(),
            "channel": self.channel.value(),
            "sentiment": self.sentiment.value(),
            "tags": self.themes.value(),
            "review_id": self.review.currentData(),
            "respondents": None if respondents < 0 else respondents,
            "summary": self.summary.toPlainText(),
            "internal_notes": self.internal_notes.toPlainText(),
        }

    def show_record(self, row: Any | None) -> None:
        get = field_getter(self.service, row)
        self.title.setText(get("title") or "")
        self.partnership.set_value(get("partnership_id"))
        self.source.set_value(get("source") or "partner")
        self.organization.set_value(get("organization_id"))
        self.received_on.set_value(get("received_on"))
        self.channel.set_value(get("channel") or "conversation")
        self.sentiment.set_value(get("sentiment") or "neutral")
        self.themes.set_value(list(get("tags") or []))
        self._fill_reviews(get("review_id"))
        respondents = get("respondents")
        self.respondents.setValue(-1 if respondents is None else respondents)
        self.summary.setPlainText(get("summary") or "")
        self.internal_notes.setPlainText(get("internal_notes") or "")
        self._load_results(row.id if row is not None else None)
        self.results_section.show_problem("")

    def _fill_reviews(self, keep: str | None = None) -> None:
        """The chosen partnership's reviews, newest first (a review of another one goes)."""
        current = keep if keep is not None else self.review.currentData()
        self.review.blockSignals(True)
        self.review.clear()
        self.review.addItem(self.tr("None"), None)
        partnership_id = self.partnership.value()
        if partnership_id:
            for review in self.desk.reviews.list(where={"partnership_id": partnership_id},
                                                 order_by="reviewed_on", descending=True):
                self.review.addItem(self.tr("Review of {day}").format(
                    day=format_date(review.reviewed_on)), review.id)
        index = self.review.findData(current) if current else 0
        self.review.setCurrentIndex(max(index, 0))
        self.review.blockSignals(False)
        self.on_edited()

    def _load_results(self, feedback_id: str | None) -> None:
        rows = self.desk.survey_results.list(where={"feedback_id": feedback_id},
                                             order_by="position") if feedback_id else []
        self.results.set_rows([{"id": row.id, "_rev": row.rev, "question": row.question,
                                "answer": row.answer, "count": row.count,
                                "position": row.position} for row in rows])
        self._offer_questions()

    def _offer_questions(self) -> None:
        questions = list(dict.fromkeys(row["question"] for row in self.results.rows()))
        text = self.result_question.currentText()
        self.result_question.clear()
        self.result_question.addItems(questions)
        self.result_question.setEditText(text)

    def write(self, values: dict[str, Any]) -> str:
        saved = self.desk.feedback.save(values, self.record_id, results=self.results.pending(),
                                        rev=self._opened_rev)
        return saved.id

    def after_save(self, record_id: str) -> None:
        self._load_results(record_id)

    # -- survey results ----------------------------------------------------------------
    def add_result(self) -> None:
        values = {"question": " ".join(self.result_question.currentText().split()),
                  "answer": " ".join(self.result_answer.text().split()),
                  "count": self.result_count.value(), "position": self._next_position()}
        problems = child_problems(self.desk.survey_results, values, ["feedback_id"])
        if not problems and self._counted(values):
            problems = [self.tr("“{answer}” to “{question}” is already counted; change that "
                                "number instead.").format(**values)]
        if problems:
            self.results_section.show_problem(problems[0])
            return
        self.results.add_row(values)
        self.results_section.show_problem("")
        self.result_answer.clear()
        self.result_count.setValue(0)
        self._offer_questions()
        self.result_question.setEditText(values["question"])
        self.result_answer.setFocus()

    def _next_position(self) -> int:
        return max((int(row.get("position") or 0) for row in self.results.rows()),
                   default=-1) + 1

    def _counted(self, values: dict[str, Any]) -> bool:
        key = (values["question"].casefold(), values["answer"].casefold())
        return any((row["question"].casefold(), row["answer"].casefold()) == key
                   for row in self.results.rows())

    def choose_totals_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Read survey totals"), "",
                                              self.tr("CSV files (*.csv *.txt)"))
        if path:
            self.add_totals_from(path)

    def add_totals_from(self, path: str) -> int:
        """Add a CSV's totals to the list (saved with Save); on a problem, nothing is added
        and the problem is shown under the list. Returns how many were added."""
        try:
            totals = read_totals(path)
        except SurveyImportError as error:
            self.results_section.show_problem(error.message)
            return 0
        clash = next((row for row in totals if self._counted(row)), None)
        if clash is not None:
            self.results_section.show_problem(self.tr(
                "Nothing was added: “{answer}” to “{question}” is already in the list. Remove "
                "the results there first to use the file's totals.").format(**clash))
            return 0
        start = self._next_position()
        for row in totals:
            self.results.add_row({**row, "position": start + row["position"]})
        self.results_section.show_problem("")
        self._offer_questions()
        return len(totals)


if __name__ == "__main__":
    from partnerdesk.ui.editors.preview import preview

    preview(FeedbackEditor, "feedback")
