"""Tags typed as a comma-separated list, with completion from the tags already in use."""

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget


def parse_tags(text: str) -> list[str]:
    """Split on commas, trim, drop empties and repeats (first spelling wins)."""
    seen: set[str] = set()
    tags = []
    for part in text.split(","):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


class TagEdit(QLineEdit):
    """The one tag field of every editor: `value()` / `set_value()` like the other field
    widgets; completes the word after the last comma from the tags in use.

    `known`: the tags to offer, or a function giving them, asked again each time the
    field gets the focus (so a tag added elsewhere is offered at once)."""

    def __init__(self, known: list[str] | Callable[[], list[str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("For example: food, volunteers"))
        self._source = known if callable(known) else None
        self._known = QStringListModel(self)
        self.set_known(known() if callable(known) else known or [])
        self.completion = QCompleter(self._known, self)
        self.completion.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completion.setWidget(self)
        self.completion.activated[str].connect(self._insert)
        self.textEdited.connect(self._complete)

    def known(self) -> list[str]:
        """The tags offered for completion."""
        return list(self._known.stringList())

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        if self._source is not None:
            self.set_known(self._source())
        super().focusInEvent(event)

    def set_known(self, names: list[str]) -> None:
        self._known.setStringList(sorted(set(names), key=str.casefold))

    def value(self) -> list[str]:
        return parse_tags(self.text())

    def set_value(self, tags: list[str]) -> None:
        self.setText(", ".join(tags))

    def _complete(self, text: str) -> None:
        word = text.split(",")[-1].strip()
        if len(word) < 1:
            self.completion.popup().hide()
            return
        self.completion.setCompletionPrefix(word)
        self.completion.complete()

    def _insert(self, word: str) -> None:
        head = self.text().rsplit(",", 1)[0] if "," in self.text() else ""
        self.setText((head + ", " if head else "") + word + ", ")
