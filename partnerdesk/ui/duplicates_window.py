"""Find duplicates: likely pairs with their reasons; merge them field by field, or say
they are different ("not duplicates" is remembered and travels in bundles).

Also `DuplicateHint`, the small non-blocking "possible duplicate" line an editor can
show under the name field while a person types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.contact_details import entry_key, entry_text
from partnerdesk.services.store import field_values
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.tasks import DeskOp, Task
from partnerdesk.ui.widgets.row_table import ColumnSpec, RowTableModel, RowTableView

if TYPE_CHECKING:  # the module itself loads when a duplicate is first looked for
    from partnerdesk.services import duplicates

LIST_FIELDS = ("emails", "phones", "addresses", "websites", "tags")
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "contact": (("name", "Name"), ("role", "Role"), ("organization_id", "Organization"),
                ("department", "Department"), ("emails", "E-mails"), ("phones", "Phones"),
                ("addresses", "Addresses"), ("websites", "Websites"),
                ("preferred_contact", "Preferred way to reach"), ("tags", "Tags"),
                ("notes", "Notes"), ("internal_notes", "Internal notes"),
                ("share_ok", "May share"), ("last_contacted", "Last contacted")),
    "organization": (("name", "Name"), ("kind", "Kind"), ("status", "Status"),
                     ("website", "Website"), ("email", "E-mail"), ("phone", "Phone"),
                     ("address", "Address"), ("latitude", "Latitude"),
                     ("longitude", "Longitude"), ("mission", "Mission"), ("tags", "Tags"),
                     ("notes", "Notes"), ("internal_notes", "Internal notes")),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("Duplicates", text)


def pair_columns() -> list[ColumnSpec[duplicates.DuplicatePair]]:
    return [
        ColumnSpec(tr("Kind"), lambda pair: tr("Contact") if pair.record_type == "contact"
                   else tr("Organization")),
        ColumnSpec(tr("First"), lambda pair: pair.first_title),
        ColumnSpec(tr("Second"), lambda pair: pair.second_title),
        ColumnSpec(tr("Why"), lambda pair: "; ".join(pair.reasons)),
    ]


def describe(desk: Desk, record_type: str, field: str, value: Any) -> str:
    """A value as a person reads it."""
    if value in (None, "", [], {}):
        return tr("(empty)")
    if field == "organization_id":
        try:
            return str(desk.organizations.get(value).name)
        except Exception:  # a link to a record that is gone
            return tr("(missing organization)")
    if field in ("emails", "phones", "addresses", "websites"):
        return "\n".join(entry_text(field, item) for item in value)
    if field == "tags":
        return ", ".join(value)
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if field == "kind":
        return v.label(v.ORGANIZATION_KINDS, value)
    if field == "status":
        return v.label(v.ORGANIZATION_STATUSES, value)
    if field == "preferred_contact":
        return v.label(v.CONTACT_PREFERENCES, value)
    return str(value)


def combined(field: str, first: list[Any], second: list[Any]) -> list[Any]:
    """Both lists, without the same e-mail, phone, address, website or tag twice."""
    if field == "tags":
        return list(dict.fromkeys([*first, *second]))
    seen: set[str] = set()
    out = []
    for item in [*first, *second]:
        marker = entry_key(field, item)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


class MergeDialog(QDialog):
    """Both records side by side; a choice for each field that differs."""

    def __init__(self, desk: Desk, record_type: str, keep_id: str, other_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Merge two records"))
        self.desk, self.record_type = desk, record_type
        self.keep_id, self.other_id = keep_id, other_id
        service = desk.service(record_type)
        self.first = field_values(service.get(keep_id))
        self.second = field_values(service.get(other_id))
        self.groups: dict[str, QButtonGroup] = {}
        self.options: dict[str, list[Any]] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel(f"<b>{self.tr('Field')}</b>"), 0, 0)
        grid.addWidget(QLabel(f"<b>{self.tr('This one (kept)')}</b>"), 0, 1)
        grid.addWidget(QLabel(f"<b>{self.tr('The other one')}</b>"), 0, 2)
        row = 1
        for field, label in FIELDS[record_type]:
            a, b = self.first.get(field), self.second.get(field)
            grid.addWidget(QLabel(tr(label)), row, 0, Qt.AlignmentFlag.AlignTop)
            if a == b:
                same = QLabel(describe(desk, record_type, field, a))
                same.setWordWrap(True)
                grid.addWidget(same, row, 1, 1, 2)
                row += 1
                continue
            group = QButtonGroup(self)
            options = [a, b]
            buttons = [QRadioButton(describe(desk, record_type, field, a)),
                       QRadioButton(describe(desk, record_type, field, b))]
            if field in LIST_FIELDS and a and b:
                options.append(combined(field, a, b))
                buttons.append(QRadioButton(self.tr("Both")))
            for number, button in enumerate(buttons):
                button.setAccessibleName(f"{field}:{number}")
                group.addButton(button, number)
            # default: keep what is filled in, and both lists together
            default = 2 if len(buttons) == 3 else (1 if a in (None, "", []) else 0)
            buttons[default].setChecked(True)
            grid.addWidget(buttons[0], row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(buttons[1], row, 2, Qt.AlignmentFlag.AlignTop)
            if len(buttons) == 3:
                row += 1
                grid.addWidget(buttons[2], row, 1, 1, 2)
            self.groups[field] = group
            self.options[field] = options
            row += 1
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        note = QLabel(self.tr("Every meeting, agreement, pathway and other link of the other "
                              "record moves to the kept one. The other record goes to the "
                              "Trash, where it can be restored."))
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton(self.tr("Merge"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(720, 520)

    def chosen_values(self) -> dict[str, Any]:
        return {field: self.options[field][group.checkedId()]
                for field, group in self.groups.items()}

    def merge(self) -> None:
        try:
            self.desk.duplicates.merge(self.record_type, self.keep_id, self.other_id,
                                       self.chosen_values())
        except Exception as error:  # shown as a sentence; the merge did not happen
            show_error(self, error)
            return
        self.accept()


class DuplicatesWindow(QDialog):
    """Tools → Find duplicates."""

    sig_changed = Signal()
    """A pair was merged or marked as not duplicates."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.task: Task | None = None
        self.setWindowTitle(self.tr("Find duplicates"))
        self.status = QLabel(self.tr("Looking for likely duplicates…"))
        self.status.setWordWrap(True)
        self.model: RowTableModel[duplicates.DuplicatePair] = RowTableModel(pair_columns(), self)
        self.table = RowTableView(self.model, accessible_name=self.tr("Likely duplicates"))
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.merge_selected())
        self.merge_button = QPushButton(self.tr("Merge…"))
        self.not_button = QPushButton(self.tr("Not duplicates"))
        self.refresh_button = QPushButton(self.tr("Look again"))
        close = QPushButton(self.tr("Close"))
        self.merge_button.clicked.connect(self.merge_selected)
        self.not_button.clicked.connect(self.mark_selected)
        self.refresh_button.clicked.connect(self.refresh)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.merge_button, self.not_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.resize(820, 480)
        self._update_buttons()
        self.refresh()

    def busy(self) -> bool:
        return self.task is not None and not self.task.finished

    def refresh(self) -> None:
        found = self.desk.duplicates
        self.status.setText(self.tr("Looking for likely duplicates…"))
        self.task = DeskOp(self, lambda _p: found.find()).success(self.show_pairs) \
            .with_progress(self.tr("Looking for duplicates…")).run_in_background()
        self._update_buttons()

    def show_pairs(self, pairs: list[duplicates.DuplicatePair]) -> None:
        self.model.set_rows(pairs)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.status.setText(self.tr("{n} likely duplicate pairs. Merge a pair, or tell "
                                    "PartnerDesk they are different people or places.")
                            .format(n=len(pairs)) if pairs else
                            self.tr("No likely duplicates found."))
        self._update_buttons()

    def selected(self) -> duplicates.DuplicatePair | None:
        pair: duplicates.DuplicatePair | None = self.table.selected_row()
        return pair

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None and not self.busy()
        self.merge_button.setEnabled(chosen)
        self.not_button.setEnabled(chosen)
        self.refresh_button.setEnabled(not self.busy())

    def merge_selected(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        dialog = MergeDialog(self.desk, pair.record_type, pair.first_id, pair.second_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.sig_changed.emit()
            self.refresh()

    def mark_selected(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        try:
            self.desk.duplicates.mark_not_duplicates(pair.record_type, pair.first_id,
                                                     pair.second_id)
        except Exception as error:  # shown as a sentence
            show_error(self, error)
            return
        self.sig_changed.emit()
        self.model.remove_row_object(pair)
        self._update_buttons()


class DuplicateHint(QLabel):
    """'Possible duplicate: <link>' under an editor's name field; never blocks saving.

    Call `check(values, exclude_id)` as the person types (it waits for a pause);
    clicking the link emits `sig_open_record(record_type, record_id)`.
    """

    sig_open_record = Signal(str, str)
    """The person clicked the name of the possible duplicate."""

    def __init__(self, desk: Desk, record_type: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.record_type = desk, record_type
        self.matches: list[duplicates.Match] = []
        # One line, always the same height (the first match; the others in its tooltip), so
        # the fields below never move when it appears.
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() + 4)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.linkActivated.connect(lambda key: self.sig_open_record.emit(self.record_type, key))
        self._pending: tuple[dict[str, Any], str | None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self._run)
        self._reserved = False
        self.hide()

    def reserve(self, reserved: bool) -> None:
        """Keep a line for the hint (on a new record, where it may appear while the name is
        typed), so the fields below do not jump down under the mouse when it does."""
        self._reserved = reserved
        self._timer.stop()
        self._pending = None
        self.matches = []
        self.clear()
        self.setVisible(reserved)

    def check(self, values: dict[str, Any], exclude_id: str | None = None) -> None:
        self._pending = (dict(values), exclude_id)
        self._timer.start()

    def check_now(self, values: dict[str, Any], exclude_id: str | None = None) -> None:
        self._pending = (dict(values), exclude_id)
        self._run()

    def _run(self) -> None:
        if self._pending is None:
            return
        values, exclude_id = self._pending
        self._pending = None
        self.matches = self.desk.duplicates.possible(self.record_type, values,
                                                     exclude_id=exclude_id)
        if not self.matches:
            self.clear()
            self.setVisible(self._reserved)
            return
        from html import escape

        first = self.matches[0]
        links = f'<a href="{first.key}">{escape(first.title)}</a> ({escape(first.reason)})'
        if len(self.matches) > 1:
            links += " " + escape(tr("and {n} more").format(n=len(self.matches) - 1))
        self.setText(tr("Possible duplicate: {links}").format(links=links))
        self.setToolTip("\n".join(f"{m.title} ({m.reason})" for m in self.matches))
        self.show()
