"""The import wizard: pick a file, check how its columns map (CSV: each column with what
it becomes and its first rows, the columns left out named), preview every row with its
likely duplicate and problems, choose merge / skip / add and valid-rows-only or nothing,
then import in the background as one undoable step.

Reading the file, finding duplicates and writing all run on the database worker
(`DeskOp`, through `desk.interchange`); only plain plan objects cross back to this screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.services.progress import Progress
from partnerdesk.sharing import csv_import, hsds, import_common
from partnerdesk.ui import theme
from partnerdesk.ui.tasks import DeskOp
from partnerdesk.ui.widgets.row_table import ColumnSpec, RowTableModel, RowTableView

# (key, label, record type) of what can be imported
SOURCES = (("csv-contact", "Contacts from a spreadsheet (CSV)", "contact"),
           ("csv-organization", "Organizations from a spreadsheet (CSV)", "organization"),
           ("vcard", "Contacts from an address book (vCard .vcf)", "contact"),
           ("hsds", "A resource directory (Open Referral HSDS, folder or .zip)", "organization"))
FILTERS = {"csv-contact": "Spreadsheets (*.csv *.txt *.tsv);;All files (*)",
           "csv-organization": "Spreadsheets (*.csv *.txt *.tsv);;All files (*)",
           "vcard": "Address cards (*.vcf *.vcard);;All files (*)",
           "hsds": "Zip files (*.zip);;All files (*)"}
ACTIONS = ("merge", "skip", "add")
SAMPLE_ROWS = 3  # first rows of the file shown beside each column


def tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("ImportWizard", text)


def action_label(action: str) -> str:
    return {"merge": tr("Merge (fill empty fields)"), "skip": tr("Skip"),
            "add": tr("Add as new")}[action]


def preview_columns() -> list[ColumnSpec[import_common.RowPlan]]:
    """The planned rows: row number, name, organization, what was found, what to do."""
    def found(row: import_common.RowPlan) -> str:
        if not row.valid:
            return tr("Problem: {reasons}").format(reasons="; ".join(row.problems))
        if row.duplicate:
            return tr("Looks like “{title}” ({reason})").format(title=row.match_title,
                                                                reason=row.reason)
        return tr("New")

    def action(row: import_common.RowPlan) -> str:
        if not row.valid:
            return tr("Not imported")
        return action_label(row.action) if row.duplicate else tr("Add")

    def problem_colour(row: import_common.RowPlan) -> str | None:
        return None if row.valid else "danger"

    columns = [
        ColumnSpec(tr("Row"), lambda row: str(row.row), sort=lambda row: row.row),
        ColumnSpec(tr("Name"), lambda row: row.title),
        ColumnSpec(tr("Organization"), lambda row: row.organization),
        ColumnSpec(tr("Found"), found,
                   tooltip=lambda row: "\n".join(row.problems + row.warnings) or None),
        ColumnSpec(tr("Action"), action),
    ]
    return [replace(column, foreground=problem_colour) for column in columns]


class ImportWizard(QDialog):
    """File → Import…: one dialog, four steps (file, columns, preview, done)."""

    sig_imported = Signal(str)
    """An import finished; the batch id (for undo)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None, source: str = "csv-contact"
                 ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(self.tr("Import"))
        self.resize(900, 560)
        self.plan: import_common.ImportPlan | hsds.HsdsPlan | None = None
        self.csv_source: csv_import.CsvSource | None = None
        self.task: Any = None
        self.result: import_common.ImportResult | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._done_page())
        self.back_button = QPushButton(self.tr("Back"))
        self.next_button = QPushButton(self.tr("Next"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.kind_box.setCurrentIndex(next(i for i, s in enumerate(SOURCES) if s[0] == source))
        self._update_buttons()

    # -- pages ------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.kind_box = QComboBox()
        for key, label, _ in SOURCES:
            self.kind_box.addItem(tr(label), key)
        self.kind_box.currentIndexChanged.connect(self._update_buttons)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Choose a file…"))
        self.path_edit.textChanged.connect(self._update_buttons)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(self.tr("What to import"), self.kind_box)
        form.addRow(self.tr("File"), row)
        hint = QLabel(self.tr(
            "PartnerDesk recognises exports from Google Contacts, Outlook, Thunderbird, "
            "Apple Contacts, LinkedIn, CiviCRM and PartnerDesk itself, and address cards "
            "from phones and mail programs; for other spreadsheets you can check which "
            "column is which on the next page. Nothing is changed until you press Import."))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.file_error = QLabel()
        self.file_error.setWordWrap(True)
        theme.set_tone(self.file_error, "danger")
        form.addRow(self.file_error)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.layout_label = QLabel()
        self.layout_label.setWordWrap(True)
        layout.addWidget(self.layout_label)
        self.mapping_table = QTableWidget()
        self.mapping_table.setAccessibleName(self.tr("Columns of the file"))
        self.mapping_table.verticalHeader().setVisible(False)
        layout.addWidget(self.mapping_table, 1)
        self.not_imported_label = QLabel()
        self.not_imported_label.setWordWrap(True)
        layout.addWidget(self.not_imported_label)
        self.mapping_problem = QLabel()
        self.mapping_problem.setWordWrap(True)
        theme.set_tone(self.mapping_problem, "danger")
        layout.addWidget(self.mapping_problem)
        self.mapping_boxes: list[QComboBox] = []
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.preview_model: RowTableModel[import_common.RowPlan] = RowTableModel(
            preview_columns(), self)
        self.preview = RowTableView(self.preview_model, multiple=True,
                                    accessible_name=self.tr("Rows to import"))
        self.preview.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.preview, 1)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("For the selected duplicates:")))
        self.action_buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            button = QPushButton(action_label(action))
            button.clicked.connect(lambda _=False, a=action: self.set_selected_action(a))
            actions.addWidget(button)
            self.action_buttons[action] = button
        actions.addStretch(1)
        layout.addLayout(actions)
        self.valid_only_radio = QRadioButton(self.tr("Import the valid rows and leave out "
                                                     "the rows with problems"))
        self.nothing_radio = QRadioButton(self.tr("Import nothing while any row has a "
                                                  "problem"))
        self.valid_only_radio.setChecked(True)
        self.valid_only_radio.toggled.connect(self._update_buttons)
        layout.addWidget(self.valid_only_radio)
        layout.addWidget(self.nothing_radio)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return page

    # -- state ------------------------------------------------------------------------
    @property
    def source_key(self) -> str:
        return str(self.kind_box.currentData())

    @property
    def record_type(self) -> str:
        return next(s[2] for s in SOURCES if s[0] == self.source_key)

    def browse(self) -> None:
        if self.source_key == "hsds":
            path = QFileDialog.getExistingDirectory(self, self.tr("Choose the HSDS folder"))
            if not path:
                path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the HSDS zip file"),
                                                      "", tr(FILTERS["hsds"]))
        else:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file to import"), "",
                                                  tr(FILTERS[self.source_key]))
        if path:
            self.path_edit.setText(path)

    def _busy(self) -> bool:
        return self.task is not None and not self.task.finished

    def _update_buttons(self) -> None:
        page = self.pages.currentIndex()
        busy = self._busy()
        self.back_button.setEnabled(page in (1, 2) and not busy)
        self.kind_box.setEnabled(not busy)
        if page == 0:
            self.next_button.setText(self.tr("Next"))
            self.next_button.setEnabled(bool(self.path_edit.text().strip()) and not busy)
        elif page == 1:
            self.next_button.setText(self.tr("Preview"))
            self.next_button.setEnabled(not busy and self._has_name_column())
        elif page == 2:
            self.next_button.setText(self.tr("Import"))
            blocked = self._invalid_count() > 0 and self.nothing_radio.isChecked()
            self.next_button.setEnabled(not busy and not blocked and self._importable())
        else:
            self.next_button.setText(self.tr("Close"))
            self.next_button.setEnabled(True)
            self.cancel_button.setEnabled(False)

    def _rows(self) -> list[import_common.RowPlan]:
        if self.plan is None:
            return []
        return self.plan.organizations.rows if isinstance(self.plan, hsds.HsdsPlan) \
            else self.plan.rows

    def _invalid_count(self) -> int:
        count = sum(1 for row in self._rows() if not row.valid)
        if isinstance(self.plan, hsds.HsdsPlan):
            count += sum(1 for s in self.plan.services if s.problems)
        return count

    def _importable(self) -> bool:
        return any(row.valid for row in self._rows())

    # -- moving between steps -----------------------------------------------------------
    def go_back(self) -> None:
        page = self.pages.currentIndex()
        target = 0 if page == 1 or (page == 2 and self.csv_source is None) else 1
        self.pages.setCurrentIndex(target)
        self._update_buttons()

    def go_next(self) -> None:
        page = self.pages.currentIndex()
        if page == 0:
            self.read_file()
        elif page == 1:
            self.apply_mapping()
            self.make_plan()
        elif page == 2:
            self.start_import()
        else:
            self.accept()

    def _run(self, work: Callable[[Progress], Any], on_success: Callable[[Any], None],
             label: str) -> None:
        def failed(error: BaseException) -> None:
            from partnerdesk.ui.errors import show_error

            self._update_buttons()
            show_error(self, error)

        self.task = DeskOp(self, work).success(on_success).failure(failed) \
            .with_progress(label).run_in_background()
        self._update_buttons()

    def read_file(self) -> None:
        path = self.path_edit.text().strip()
        key = self.source_key
        self.file_error.clear()
        self.csv_source = None
        if key.startswith("csv"):
            record_type, interchange = self.record_type, self.desk.interchange
            self._run(lambda _p: interchange.open_csv(path, record_type), self.show_mapping,
                      self.tr("Reading the file…"))
        else:
            self.make_plan()

    def show_mapping(self, source: csv_import.CsvSource) -> None:
        """One line per column of the file: its name, what it becomes, its first rows."""
        self.csv_source = source
        self.layout_label.setText(self.tr(
            "This file looks like: {layout}. {rows} rows. Check which column is which; "
            "columns set to “ignore” are left out.").format(
                layout=tr(source.layout_label), rows=len(source.table.rows)))
        samples = source.table.rows[:SAMPLE_ROWS]
        table = self.mapping_table
        table.clear()
        table.setColumnCount(2 + len(samples))
        table.setHorizontalHeaderLabels(
            [self.tr("Column"), self.tr("Becomes"),
             *[self.tr("Row {n}").format(n=number) for number, _ in samples]])
        table.setRowCount(len(source.table.headers))
        self.mapping_boxes = []
        targets = dict(csv_import.TARGETS[source.record_type])
        for target in source.mapping:  # numbered parts of a recognised layout
            targets.setdefault(target, csv_import.target_label(source.record_type, target))
        for column, header in enumerate(source.table.headers):
            name = QTableWidgetItem(header or self.tr("Column {n}").format(n=column + 1))
            table.setItem(column, 0, name)
            box = QComboBox()
            for target, label in targets.items():
                box.addItem(tr(label), target)
            box.setCurrentIndex(max(0, box.findData(source.mapping[column])))
            box.setAccessibleName(self.tr("What the column {column} becomes").format(
                column=name.text()))
            box.currentIndexChanged.connect(self._mapping_changed)
            table.setCellWidget(column, 1, box)
            self.mapping_boxes.append(box)
            for position, (_, cells) in enumerate(samples):
                text = cells[column] if column < len(cells) else ""
                table.setItem(column, 2 + position, QTableWidgetItem(text[:80]))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        self._mapping_changed()
        self.pages.setCurrentIndex(1)
        self._update_buttons()

    def _chosen_mapping(self) -> list[str]:
        return [str(box.currentData()) for box in self.mapping_boxes]

    def _has_name_column(self) -> bool:
        if self.csv_source is None:
            return True
        trial = replace(self.csv_source, mapping=self._chosen_mapping())
        try:
            csv_import.check_mapping(trial)
        except import_common.ImportFileError:
            return False
        return True

    def _mapping_changed(self, *_args: object) -> None:
        """Say which columns are left out, and whether a column of names is chosen."""
        if self.csv_source is None:
            return
        trial = replace(self.csv_source, mapping=self._chosen_mapping())
        left_out = trial.not_imported()
        self.not_imported_label.setText(
            self.tr("Not imported: {columns}.").format(columns=", ".join(left_out))
            if left_out else self.tr("Every column with something in it is imported."))
        try:
            csv_import.check_mapping(trial)
            self.mapping_problem.clear()
        except import_common.ImportFileError as error:
            self.mapping_problem.setText(str(error))
        self._update_buttons()

    def apply_mapping(self) -> None:
        if self.csv_source is not None:
            self.csv_source.mapping = self._chosen_mapping()

    def make_plan(self) -> None:
        interchange, key = self.desk.interchange, self.source_key
        path, source = self.path_edit.text().strip(), self.csv_source

        def work(progress: Progress) -> import_common.ImportPlan | hsds.HsdsPlan:
            if source is not None:
                return interchange.plan_csv(source, progress)
            if key == "vcard":
                return interchange.plan_vcard(path, progress)
            return interchange.plan_hsds(path, progress)

        self._run(work, self.show_preview, self.tr("Looking for duplicates…"))

    def show_preview(self, plan: import_common.ImportPlan | hsds.HsdsPlan) -> None:
        self.plan = plan
        self.preview_model.set_rows(self._rows())
        self.preview.resizeColumnsToContents()
        self.preview.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self._update_summary()
        self.pages.setCurrentIndex(2)
        self._update_buttons()

    def _update_summary(self) -> None:
        rows = self._rows()
        duplicates = sum(1 for row in rows if row.valid and row.duplicate)
        text = self.tr("{total} rows: {new} new, {dup} that look like records you already "
                       "have, {bad} with problems.").format(
            total=len(rows), new=sum(1 for r in rows if r.valid and not r.duplicate),
            dup=duplicates, bad=sum(1 for r in rows if not r.valid))
        text += self._left_out_text(self.plan)
        if isinstance(self.plan, hsds.HsdsPlan):
            text += " " + self.tr("It also holds {services} services and {contacts} "
                                  "contacts.").format(services=len(self.plan.services),
                                                      contacts=len(self.plan.contacts))
            bad = [s for s in self.plan.services if s.problems]
            if bad:
                text += " " + self.tr("Services with problems: {list}").format(list="; ".join(
                    f"row {s.row}: {s.problems[0]}" for s in bad[:5]))
        self.summary_label.setText(text)
        has_invalid = self._invalid_count() > 0
        self.valid_only_radio.setVisible(has_invalid)
        self.nothing_radio.setVisible(has_invalid)

    def _left_out_text(self, what: Any) -> str:
        """The columns not imported and what was left out before planning (unreadable
        cards, rows of another record type), as sentences."""
        plan = what.organizations if isinstance(what, hsds.HsdsPlan) else what
        text = ""
        if getattr(plan, "not_imported", None):
            text += " " + self.tr("Not imported: {columns}.").format(
                columns=", ".join(plan.not_imported))
        for note in getattr(plan, "notes", []):
            text += " " + note
        return text

    def set_selected_action(self, action: str) -> None:
        # nothing selected: every duplicate
        positions = self.preview.selected_positions() or range(self.preview_model.rowCount())
        changed = []
        for position in positions:
            row = self.preview_model.row_at(position)
            if row.duplicate and row.valid:
                row.action = action
                changed.append(position)
        self.preview_model.rows_changed(changed)

    def start_import(self) -> None:
        interchange, plan = self.desk.interchange, self.plan
        valid_only = self.valid_only_radio.isChecked()
        if plan is None:
            return

        def work(progress: Progress) -> import_common.ImportResult:
            return interchange.apply(plan, valid_only=valid_only, progress=progress)

        self._run(work, self.finished_import, self.tr("Importing…"))

    def finished_import(self, result: import_common.ImportResult) -> None:
        self.result = result
        counts = result.counts
        text = self.tr("Done: {new} added, {merged} merged into existing records, {skipped} "
                       "skipped, {invalid} left out because of problems.").format(**{
                           k: counts.get(k, 0) for k in ("new", "merged", "skipped",
                                                         "invalid")})
        if "services" in counts:
            text += " " + self.tr("{services} resources and {contacts} contacts added.").format(
                services=counts["services"], contacts=counts["contacts"])
            if counts.get("services_updated") or counts.get("contacts_updated"):
                text += " " + self.tr("{services} resources and {contacts} contacts already "
                                      "here brought up to date.").format(
                    services=counts.get("services_updated", 0),
                    contacts=counts.get("contacts_updated", 0))
        text += self._left_out_text(result)
        text += "\n\n" + self.tr("The whole import is one step: you can undo it from the "
                                 "list of imports.")
        self.done_label.setText(text)
        self.pages.setCurrentIndex(3)
        self._update_buttons()
        self.sig_imported.emit(result.batch_id)


def open_import_wizard(parent: QWidget | None, desk: Desk, source: str = "csv-contact",
                       path: str | Path | None = None) -> ImportWizard:
    wizard = ImportWizard(desk, parent, source)
    if path:
        wizard.path_edit.setText(str(path))
    wizard.setModal(True)
    wizard.show()
    return wizard


if __name__ == "__main__":
    import sys
    import tempfile

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    demo = Desk.open(Path(tempfile.mkdtemp()) / "demo.db")
    demo.load_sample_data()
    window = open_import_wizard(None, demo)
    sys.exit(app.exec())
