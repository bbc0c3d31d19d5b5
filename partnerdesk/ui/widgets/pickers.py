"""Pick an organization, a contact or a partnership by typing part of its name.

The lists can be long (100,000 contacts), so a picker never loads them whole: each
pause in typing asks the service for at most `limit` matches (`service.list(text=...)`,
filtered in SQL) and shows them in a completer popup.
"""

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QToolButton, QWidget

from partnerdesk.errors import NotFoundError
from partnerdesk.services import Desk
from partnerdesk.services.records import RecordService

ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class ChoiceModel(QAbstractListModel):
    """(id, label) pairs fed by the picker; never queries."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []

    def set_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[tuple[str, str]]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record_id, label = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return label
        if role == ID_ROLE:
            return record_id
        return None


Labeller = Callable[[Desk, list[Any]], list[str]]


def plain_labels(service: RecordService[Any]) -> Labeller:
    return lambda _desk, rows: [getattr(row, service.title_field) for row in rows]


def contact_labels(desk: Desk, rows: list[Any]) -> list[str]:
    """'Name — Role, Organization': two people with one name stay apart."""
    org_ids = sorted({row.organization_id for row in rows if row.organization_id})
    names = {org.id: org.name for org in desk.organizations.list(where={"id": org_ids})} \
        if org_ids else {}
    labels = []
    for row in rows:
        details = ", ".join(part for part in (row.role, names.get(row.organization_id or ""))
                            if part)
        labels.append(f"{row.name} — {details}" if details else row.name)
    return labels


class RecordPicker(QWidget):
    """A line edit with search-as-you-type; `value()` is the picked record's id or None."""

    sig_picked = Signal(object)
    """The picked record changed: its id, or None when cleared."""

    def __init__(self, desk: Desk, record_type: str, *, placeholder: str = "",
                 labeller: Labeller | None = None, limit: int = 50,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.service = desk.service(record_type)
        self.limit = limit
        self.where: dict[str, Any] | None = None  # narrows the search (contacts of one org)
        self._labeller = labeller or plain_labels(self.service)
        self._value: str | None = None
        self._label = ""

        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText(placeholder or self.tr("Type to search…"))
        self.line_edit.setClearButtonEnabled(True)
        self.model = ChoiceModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.completer.setWidget(self.line_edit)
        self.completer.activated[QModelIndex].connect(self._on_activated)
        self.browse = QToolButton()
        self.browse.setText("▾")
        self.browse.setToolTip(self.tr("Show the choices"))
        self.browse.setAccessibleName(self.tr("Show the choices"))
        self.browse.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.browse.clicked.connect(lambda: self.search(self.line_edit.text()))

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line_edit, 1)
        row.addWidget(self.browse)
        self.setFocusProxy(self.line_edit)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(lambda: self.search(self.line_edit.text()))
        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.editingFinished.connect(self._on_editing_finished)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802
        super().setAccessibleName(name)
        self.line_edit.setAccessibleName(name)

    def setToolTip(self, text: str) -> None:  # noqa: N802
        super().setToolTip(text)
        self.line_edit.setToolTip(text)

    # -- value ---------------------------------------------------------------------
    def value(self) -> str | None:
        return self._value

    def label(self) -> str:
        return self._label

    def set_value(self, record_id: str | None) -> None:
        """Show a record (no signal: this is loading, not a person's choice)."""
        self._value, self._label = record_id, ""
        if record_id:
            try:
                row = self.service.get(record_id)
                self._label = self._labeller(self.desk, [row])[0]
            except NotFoundError:
                self._label = self.tr("(removed record)")
        self._show(self._label)

    def _show(self, label: str) -> None:
        """The label from its first letter: a name longer than the field is cut at its end
        ("Backup Power for Cool…"), not at its start ("ackup Power for Cooling Centres")."""
        self.line_edit.setText(label)
        self.line_edit.setCursorPosition(0)

    def _choose(self, record_id: str | None, label: str) -> None:
        changed = record_id != self._value
        self._value, self._label = record_id, label
        self._show(label)
        if changed:
            self.sig_picked.emit(record_id)

    # -- searching -----------------------------------------------------------------
    def search(self, text: str) -> list[tuple[str, str]]:
        """Ask the service for the first matches and show them in the popup."""
        rows = self.service.list(where=self.where, text=text.split(" — ")[0].strip() or None,
                                 limit=self.limit)
        choices = list(zip((row.id for row in rows), self._labeller(self.desk, rows),
                           strict=True))
        self.model.set_rows(choices)
        if choices and self.isVisible():
            self.completer.setCompletionPrefix("")
            self.completer.complete()
        return choices

    def _on_text_edited(self, text: str) -> None:
        if not text.strip():
            self._timer.stop()
            self.completer.popup().hide()
            self._choose(None, "")
            return
        self._timer.start()

    def _on_activated(self, index: QModelIndex) -> None:
        self._timer.stop()
        self._choose(index.data(ID_ROLE), index.data(Qt.ItemDataRole.DisplayRole))

    def _on_editing_finished(self) -> None:
        if self.completer.popup().isVisible():
            return
        text = self.line_edit.text().strip()
        if not text:
            self._choose(None, "")
        elif text != self._label:
            # Typed but not picked: one exact match is taken, anything else is undone.
            exact = [(i, label) for i, label in self.model.rows()
                     if label.casefold() == text.casefold()
                     or label.split(" — ")[0].casefold() == text.casefold()]
            if len(exact) == 1:
                self._choose(*exact[0])
            else:
                self._show(self._label)
