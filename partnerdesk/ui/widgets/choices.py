"""The one combo box over a fixed choice list of `partnerdesk.db.vocabulary`."""

from PySide6.QtWidgets import QComboBox, QWidget


class ChoiceCombo(QComboBox):
    """Shows the labels, holds the stored values: `value()` / `set_value()`."""

    def __init__(self, choices: tuple[tuple[str, str], ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_choices(choices)

    def set_choices(self, choices: tuple[tuple[str, str], ...]) -> None:
        """Replace the list, keeping the current value when it is still offered (an
        agreement's next statuses change with its status: a value no longer offered goes)."""
        current = self.value()
        self.blockSignals(True)
        self.clear()
        for value, label in choices:
            self.addItem(self.tr(label), value)
        self.setCurrentIndex(max(self.findData(current), 0))
        self.blockSignals(False)

    def value(self) -> str:
        data = self.currentData()
        return "" if data is None else str(data)

    def set_value(self, value: str) -> None:
        index = self.findData(value)
        if index < 0 and value:
            # A value from a newer version or another laptop: keep it rather than lose it.
            self.addItem(value, value)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))
