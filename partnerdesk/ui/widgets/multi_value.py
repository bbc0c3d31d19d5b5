"""Several e-mail addresses, phone numbers or web addresses, each with its kind (work,
home…), and for phones an extension beside the number."""

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class MultiValueEdit(QWidget):
    """Rows of (text, kind). `values()` gives [{value_key: text, "kind": kind}, …].

    `extra` = (key, placeholder, name) adds a short second box to each row (a phone's
    extension), given as `key` in each value."""

    sig_changed = Signal()
    """A row was typed in, added or removed."""
    sig_rows_changed = Signal()
    """A row was added or removed (the form puts Tab back in layout order)."""

    def __init__(self, value_key: str, kinds: tuple[tuple[str, str], ...], *,
                 add_text: str, placeholder: str, item_name: str,
                 extra: tuple[str, str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value_key = value_key
        self.kinds = kinds
        self.placeholder = placeholder
        self.item_name = item_name
        self.extra = extra
        self.rows: list[tuple[QWidget, QLineEdit, QComboBox, QLineEdit | None]] = []
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(2)
        self.add_button = QPushButton(add_text)
        self.add_button.setAccessibleName(add_text.replace("&", ""))
        self.add_button.setToolTip(add_text.replace("&", ""))
        self.add_button.clicked.connect(lambda: self.add_row("", kinds[0][0], focus=True))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(self._rows_box)
        button_row = QHBoxLayout()
        button_row.addWidget(self.add_button)
        button_row.addStretch(1)
        outer.addLayout(button_row)

    def add_row(self, text: str, kind: str, *, focus: bool = False,
                extra_text: str = "") -> QLineEdit:
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit(text)
        edit.setPlaceholderText(self.placeholder)
        number = len(self.rows) + 1
        edit.setAccessibleName(self.tr("{item} {n}").format(item=self.item_name, n=number))
        combo = QComboBox()
        for value, label in self.kinds:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(combo.findData(kind), 0))
        combo.setAccessibleName(self.tr("Kind of {item} {n}").format(item=self.item_name,
                                                                      n=number))
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(self.tr("Remove this {item}").format(item=self.item_name))
        remove.setAccessibleName(self.tr("Remove {item} {n}").format(item=self.item_name,
                                                                     n=number))
        extra_edit: QLineEdit | None = None
        line.addWidget(edit, 1)
        if self.extra is not None:
            extra_edit = QLineEdit(extra_text)
            extra_edit.setPlaceholderText(self.extra[1])
            extra_edit.setMaximumWidth(extra_edit.fontMetrics().horizontalAdvance("0") * 12)
            extra_edit.setAccessibleName(self.tr("{extra} of {item} {n}").format(
                extra=self.extra[2], item=self.item_name, n=number))
            extra_edit.setToolTip(self.extra[2])
            extra_edit.textChanged.connect(self.sig_changed)
            line.addWidget(extra_edit)
        line.addWidget(combo)
        line.addWidget(remove)
        self._rows_box.addWidget(box)
        entry = (box, edit, combo, extra_edit)
        self.rows.append(entry)
        edit.textChanged.connect(self.sig_changed)
        combo.currentIndexChanged.connect(self.sig_changed)
        remove.clicked.connect(lambda: self._remove(entry))
        self._retab()
        if focus:
            edit.setFocus()
        self.sig_changed.emit()
        return edit

    def _remove(self, entry: tuple[QWidget, QLineEdit, QComboBox, QLineEdit | None]) -> None:
        self.rows.remove(entry)
        entry[0].setParent(None)
        entry[0].deleteLater()
        self._retab()
        self.sig_changed.emit()

    def _retab(self) -> None:
        # Keyboard order follows the rows, then the Add button.
        chain: list[QWidget] = []
        for _box, edit, combo, extra_edit in self.rows:
            chain += [edit, *([extra_edit] if extra_edit is not None else []), combo]
        chain.append(self.add_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.sig_rows_changed.emit()

    def values(self) -> list[dict[str, Any]]:
        found = []
        for _box, edit, combo, extra_edit in self.rows:
            if not edit.text().strip():
                continue
            value = {self.value_key: edit.text().strip(), "kind": combo.currentData()}
            if self.extra is not None and extra_edit is not None:
                value[self.extra[0]] = extra_edit.text().strip()
            found.append(value)
        return found

    def set_values(self, items: list[dict[str, Any]]) -> None:
        for entry in list(self.rows):
            entry[0].setParent(None)
            entry[0].deleteLater()
        self.rows.clear()
        for item in items:
            extra_text = str(item.get(self.extra[0]) or "") if self.extra is not None else ""
            self.add_row(str(item.get(self.value_key, "")), str(item.get("kind", "")),
                         extra_text=extra_text)
        if not self.rows:
            self.add_row("", self.kinds[0][0])

    def first_edit(self) -> QLineEdit | None:
        return self.rows[0][1] if self.rows else None
