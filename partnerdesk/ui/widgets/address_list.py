"""Several postal addresses, each with its kind (work, home, other): the street lines, city,
state or region, postal code and country, as `db.records.Contact.addresses` holds them."""

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services.contact_details import ADDRESS_PARTS


class AddressRow(QFrame):
    """One address: a kind, a street box of a few lines and four short boxes."""

    def __init__(self, kinds: tuple[tuple[str, str], ...], number: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        labels = {"street": self.tr("Street"), "city": self.tr("City"),
                  "region": self.tr("State or region"), "postal_code": self.tr("Postal code"),
                  "country": self.tr("Country")}
        self.kind = QComboBox()
        for value, label in kinds:
            self.kind.addItem(label, value)
        self.kind.setAccessibleName(self.tr("Kind of address {n}").format(n=number))
        self.street = QPlainTextEdit()
        self.street.setTabChangesFocus(True)  # Tab leaves the box, as in every other field
        self.street.setPlaceholderText(self.tr("Street, building, PO box (one per line)"))
        self.street.setFixedHeight(self.street.fontMetrics().lineSpacing() * 3 + 12)
        self.parts: dict[str, QLineEdit] = {}
        for part in ADDRESS_PARTS[1:]:
            edit = QLineEdit()
            edit.setPlaceholderText(labels[part])
            edit.setAccessibleName(self.tr("{part} of address {n}").format(part=labels[part],
                                                                             n=number))
            self.parts[part] = edit
        self.street.setAccessibleName(self.tr("Street of address {n}").format(n=number))
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setToolTip(self.tr("Remove this address"))
        self.remove_button.setAccessibleName(self.tr("Remove address {n}").format(n=number))
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setSpacing(2)
        grid.addWidget(self.street, 0, 0, 1, 3)
        top = QVBoxLayout()
        top.addWidget(self.kind)
        top.addWidget(self.remove_button)
        top.addStretch(1)
        grid.addLayout(top, 0, 3, 2, 1)
        grid.addWidget(self.parts["city"], 1, 0)
        grid.addWidget(self.parts["region"], 1, 1)
        grid.addWidget(self.parts["postal_code"], 1, 2)
        grid.addWidget(self.parts["country"], 2, 0, 1, 3)

    def widgets_in_order(self) -> list[QWidget]:
        return [self.street, *self.parts.values(), self.kind, self.remove_button]

    def value(self) -> dict[str, str]:
        found = {"kind": str(self.kind.currentData()),
                 "street": self.street.toPlainText().strip()}
        found.update({part: edit.text().strip() for part, edit in self.parts.items()})
        return found

    def set_value(self, address: dict[str, Any]) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(address.get("kind") or "work"), 0))
        self.street.setPlainText(str(address.get("street") or ""))
        for part, edit in self.parts.items():
            edit.setText(str(address.get(part) or ""))


class AddressListEdit(QWidget):
    """Rows of addresses; `values()` gives the non-empty ones, first one the main one."""

    sig_changed = Signal()
    """An address was typed in, added or removed."""

    def __init__(self, kinds: tuple[tuple[str, str], ...], *, add_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kinds = kinds
        self.rows: list[AddressRow] = []
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(4)
        self.add_button = QPushButton(add_text)
        self.add_button.setAccessibleName(add_text.replace("&", ""))
        self.add_button.setToolTip(add_text.replace("&", ""))
        self.add_button.clicked.connect(lambda: self.add_row({}, focus=True))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(self._rows_box)
        button_row = QHBoxLayout()
        button_row.addWidget(self.add_button)
        button_row.addStretch(1)
        outer.addLayout(button_row)

    def add_row(self, address: dict[str, Any], *, focus: bool = False) -> AddressRow:
        row = AddressRow(self.kinds, len(self.rows) + 1)
        row.set_value(address)
        row.street.textChanged.connect(self.sig_changed)
        row.kind.currentIndexChanged.connect(self.sig_changed)
        for edit in row.parts.values():
            edit.textChanged.connect(self.sig_changed)
        row.remove_button.clicked.connect(lambda: self._remove(row))
        self._rows_box.addWidget(row)
        self.rows.append(row)
        self._retab()
        if focus:
            row.street.setFocus()
        self.sig_changed.emit()
        return row

    def _remove(self, row: AddressRow) -> None:
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self._retab()
        self.sig_changed.emit()

    def _retab(self) -> None:
        chain: list[QWidget] = [w for row in self.rows for w in row.widgets_in_order()]
        chain.append(self.add_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def values(self) -> list[dict[str, str]]:
        return [value for value in (row.value() for row in self.rows)
                if any(value[part] for part in ADDRESS_PARTS)]

    def set_values(self, addresses: list[dict[str, Any]]) -> None:
        for row in list(self.rows):
            row.setParent(None)
            row.deleteLater()
        self.rows.clear()
        for address in addresses:
            self.add_row(address)
        self._retab()
