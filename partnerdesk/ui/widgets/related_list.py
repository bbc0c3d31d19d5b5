"""A short clickable list of records linked to the one being edited (an organization's
contacts, partnerships…). Enter or a double-click opens the record."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


class RelatedList(QListWidget):
    sig_open_record = Signal(str, str)
    """Open this record: record type, id."""

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.itemActivated.connect(self._open)
        self.itemDoubleClicked.connect(self._open)
        self.setToolTip(self.tr("Double-click or press Enter to open."))

    def set_items(self, items: list[tuple[str, str, str]]) -> None:
        """(text, record type, id) triples."""
        self.clear()
        for text, record_type, record_id in items:
            item = QListWidgetItem(text)
            item.setData(TARGET_ROLE, (record_type, record_id))
            self.addItem(item)
        if not items:
            item = QListWidgetItem(self.empty_text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)

    def targets(self) -> list[tuple[str, str]]:
        found = []
        for number in range(self.count()):
            target = self.item(number).data(TARGET_ROLE)
            if target:
                found.append(tuple(target))
        return found

    def _open(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if target:
            self.sig_open_record.emit(*target)
