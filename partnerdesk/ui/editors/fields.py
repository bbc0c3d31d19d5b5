"""Small field helpers the record editors share: defaults, text areas and the names of
linked records. (Choice lists and tags: `ui/widgets/choices.py`, `ui/widgets/tag_edit.py`.)"""

from collections.abc import Callable
from typing import Any

from pydantic_core import PydanticUndefined
from PySide6.QtWidgets import QPlainTextEdit

from partnerdesk.errors import NotFoundError
from partnerdesk.services import Desk


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
