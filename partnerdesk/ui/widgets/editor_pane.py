"""An editor with its buttons: Save (only when valid and changed), Discard, and History.

Hosts any `RecordEditor`; the list views and dialogs use it so every record type
behaves the same way.
"""

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.ui import theme
from partnerdesk.ui.history_panel import HistoryPanel
from partnerdesk.ui.icons import icon
from partnerdesk.ui.widgets.status_label import StatusLabel, status_tone, status_words


class EditorPane(QWidget):
    sig_open_record = Signal(str, str)
    """Open another record: record type, id (forwarded from the editor)."""

    def __init__(self, desk: Desk, editor: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.editor = editor
        self.title = QLabel()
        self.title.setObjectName("editor_title")
        theme.set_text_role(self.title, "title")
        self.title.setWordWrap(True)  # a long meeting title wraps instead of running off
        self.status = StatusLabel()  # the record's status beside its title
        self.status.setObjectName("editor_status")
        self.status.setVisible(False)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(editor)
        # Never sideways: the pane keeps the form's own width (the list beside it gives
        # way), or Tab onto a field at the right edge scrolls every label out of sight.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll = scroll
        editor.installEventFilter(self)
        self._fit_width()
        self.history = HistoryPanel(desk)
        self.history.setVisible(False)
        self.history.sig_restored.connect(self._on_restored)
        self.history.before_restore = editor.maybe_save
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("editor_history_split")
        self.split.addWidget(scroll)
        self.split.addWidget(self.history)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)

        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setToolTip(self.tr("Save the changes (Ctrl+S). Available once the "
                                            "record is complete and changed."))
        self.save_button.setAccessibleName(self.tr("Save"))
        self.save_button.setDefault(True)
        self.discard_button = QPushButton(self.tr("&Discard changes"))
        self.discard_button.setToolTip(self.tr("Forget the changes and show the saved record."))
        self.discard_button.setAccessibleName(self.tr("Discard changes"))
        self.history_button = QPushButton(self.tr("&History"))
        self.history_button.setCheckable(True)
        self.history_button.setToolTip(self.tr("Show earlier versions of this record."))
        self.history_button.setAccessibleName(self.tr("History"))
        self.save_button.setIcon(icon("save"))
        self.discard_button.setIcon(icon("discard"))
        self.history_button.setIcon(icon("history"))
        self.save_button.clicked.connect(self.save)
        self.discard_button.clicked.connect(self.discard)
        self.history_button.toggled.connect(self.show_history)
        buttons = QHBoxLayout()
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)

        self.empty = QLabel(self.tr("Choose a record in the list, or press New to add one."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(heading)
        column.addWidget(self.split, 1)
        column.addLayout(buttons)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(theme.SPACING, 0, 0, 0)
        outer.addWidget(self.stack)

        editor.sig_dirty_changed.connect(self._update_buttons)
        editor.sig_valid_changed.connect(self._update_buttons)
        editor.sig_saved.connect(lambda _id: self._after_save())
        editor.sig_open_record.connect(self.sig_open_record)
        self._update_buttons()

    def _fit_width(self) -> None:
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        self.scroll.setMinimumWidth(self.editor.minimumSizeHint().width() + bar)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.editor and event.type() == QEvent.Type.LayoutRequest:
            self._fit_width()  # rows added (another e-mail) may need more width
        return super().eventFilter(watched, event)

    # -- state -----------------------------------------------------------------------
    def is_showing(self) -> bool:
        return self.stack.currentIndex() == 1

    def load(self, record_id: str | None) -> None:
        """Show a record, or an empty form for a new one (the caller asked maybe_save)."""
        self.editor.load(record_id)
        self.stack.setCurrentIndex(1)
        self._refresh_title()
        if self.history.isVisible() or self.history_button.isChecked():
            self.history.show_record(self.editor.record_type, record_id)
        self._update_buttons()

    def clear(self) -> None:
        self.stack.setCurrentIndex(0)
        self.editor.record_id = None

    def _refresh_title(self) -> None:
        record_id = self.editor.record_id
        if record_id is None:
            self.title.setText(self.tr("New record"))
            self.status.setVisible(False)
            return
        row = self.editor.service.get(record_id)
        self.title.setText(str(getattr(row, self.editor.service.title_field, "")))
        record_type, status = self.editor.record_type, getattr(row, "status", None)
        words = status_words(record_type, status)
        self.status.set_status(words, status_tone(record_type, status) or "neutral")
        self.status.setVisible(bool(words))

    def _update_buttons(self, *_args: object) -> None:
        dirty, valid = self.editor.is_dirty(), self.editor.is_valid()
        self.save_button.setEnabled(dirty and valid and self.is_showing())
        self.discard_button.setEnabled(dirty)
        self.history_button.setEnabled(self.editor.record_id is not None)

    # -- actions ---------------------------------------------------------------------
    def save(self) -> bool:
        if not self.is_showing() or not self.editor.is_dirty():
            return True
        if not self.editor.revalidate():
            return False
        return bool(self.editor.save())

    def discard(self) -> None:
        self.editor.discard()
        self._update_buttons()

    def maybe_save(self) -> bool:
        return True if not self.is_showing() else bool(self.editor.maybe_save())

    def _after_save(self) -> None:
        self._refresh_title()
        if self.history.isVisible():
            self.history.refresh()
        self._update_buttons()

    def show_history(self, shown: bool) -> None:
        self.history.setVisible(shown)
        if shown:
            self.history.show_record(self.editor.record_type, self.editor.record_id)
            sizes = self.split.sizes()
            if sizes[1] < 120:  # it was hidden when the splitter last shared out the room
                total = max(sum(sizes), 400)
                self.split.setSizes([total * 3 // 5, total - total * 3 // 5])

    def _on_restored(self, _record_type: str, record_id: str) -> None:
        self.editor.load(record_id)
        self._refresh_title()
        self._update_buttons()
