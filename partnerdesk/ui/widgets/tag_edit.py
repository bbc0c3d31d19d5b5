"""Tags typed as a comma-separated list, with completion from the tags already in use."""

from PySide6.QtCore import QStringListModel, Qt
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
    """`tags()` / `set_tags()`; completes the word after the last comma."""

    def __init__(self, known: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("For example: food, volunteers"))
        self._known = QStringListModel(sorted(known or [], key=str.casefold), self)
        self._completer = QCompleter(self._known, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setWidget(self)
        self._completer.activated[str].connect(self._insert)
        self.textEdited.connect(self._complete)

    def set_known(self, names: list[str]) -> None:
        self._known.setStringList(sorted(set(names), key=str.casefold))

    def tags(self) -> list[str]:
        return parse_tags(self.text())

    def set_tags(self, tags: list[str]) -> None:
        self.setText(", ".join(tags))

    def _complete(self, text: str) -> None:
        word = text.split(",")[-1].strip()
        if len(word) < 1:
            self._completer.popup().hide()
            return
        self._completer.setCompletionPrefix(word)
        self._completer.complete()

    def _insert(self, word: str) -> None:
        head = self.text().rsplit(",", 1)[0] if "," in self.text() else ""
        self.setText((head + ", " if head else "") + word + ", ")
