"""Small field helpers the record editors share: choice lists, tags, text areas, and
the names of linked records."""

from collections.abc import Callable
from typing import Any

from pydantic_core import PydanticUndefined
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from partnerdesk.errors import NotFoundError
from partnerdesk.services import Desk


class ChoiceCombo(QComboBox):
    """A fixed list from `db.vocabulary`: shows the label, holds the stored value."""

    def __init__(self, choices: tuple[tuple[str, str], ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_choices(choices)

    def set_choices(self, choices: tuple[tuple[str, str], ...]) -> None:
        """Replace the list, keeping the current value when it is still offered."""
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
        if index < 0 and value:  # a value from a newer version: keep it rather than lose it
            self.addItem(value, value)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


class TagsEdit(QLineEdit):
    """Tags typed as a comma-separated list (first spelling of a repeat wins)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("For example: food, winter 2026"))

    def value(self) -> list[str]:
        seen: list[str] = []
        for part in self.text().split(","):
            tag = " ".join(part.split())
            if tag and tag.casefold() not in (t.casefold() for t in seen):
                seen.append(tag)
        return seen

    def set_value(self, tags: list[str]) -> None:
        self.setText(", ".join(tags))


def field_getter(service: Any, row: Any | None) -> Callable[[str], Any]:
    """Read a field from a row, or the service's default for a new record (None if required)."""
    if row is not None:
        return lambda name: getattr(row, name)
    defaults = {k: (None if value is PydanticUndefined else value)
                for k, value in service.defaults().items()}
    return defaults.get


def text_area(lines: int = 4) -> QPlainTextEdit:
    area = QPlainTextEdit()
    area.setTabChangesFocus(True)
    height = area.fontMetrics().lineSpacing() * lines + 12
    area.setMinimumHeight(height)
    area.setMaximumHeight(height * 3)
    return area


class Names:
    """Names of linked records, looked up once per editor load (small child lists)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._cache: dict[tuple[str, str], str] = {}

    def remember(self, record_type: str, record_id: str | None, name: str) -> None:
        if record_id:
            self._cache[(record_type, record_id)] = name

    def of(self, record_type: str, record_id: str | None) -> str:
        if not record_id:
            return ""
        key = (record_type, record_id)
        if key not in self._cache:
            service = self.desk.service(record_type)
            try:
                row: Any = service.get(record_id)
                self._cache[key] = str(getattr(row, service.title_field))
            except NotFoundError:
                self._cache[key] = "(removed record)"
        return self._cache[key]
