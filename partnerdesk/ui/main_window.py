"""The main window: navigation on the left, one screen at a time on the right, a menu
bar with the standard shortcuts, a global search box, and Undo / Redo for everything
done with the open database (its services' undo journal, `services.undo`): saves,
deletions, restores, merges and changes to many rows, each named ("Undo: edit of
Marcus Lee") and run on the database worker.

The window is built in two steps so it can appear before the heavy imports: the
constructor needs only Qt; `set_desk(desk)` then lists the screens and builds the one
shown; each other screen is built the first time it is shown (`view(key)`), so a
large database opens in about a second. Other features add their screens with
`add_view(key, title, widget_or_factory, after=...)`; a screen may offer
`new_record()`, `save()`, `maybe_save()`, `focus_filter()`, `open_record(id)`,
`save_state(settings)` / `restore_state(settings)`, and `can_open(record_type)` to
claim record types the built-in lists do not show (a resource map claiming resources).
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.ui import theme
from partnerdesk.ui.icons import decorate_actions, screen_icon

if TYPE_CHECKING:
    from partnerdesk.services import Desk

KEY_ROLE = Qt.ItemDataRole.UserRole + 1

# Record types shown by a list, and the list's key.
LIST_OF_TYPE = {"organization": "organizations", "contact": "contacts",
                "partnership": "partnerships", "agreement": "agreements",
                "meeting": "meetings", "event": "events", "feedback": "feedback",
                "funding": "funding"}
# Child records open their parent: (field holding the parent's id, parent's type).
PARENT_OF_TYPE: dict[str, list[tuple[str, str]]] = {
    "milestone": [("partnership_id", "partnership")],
    "indicator": [("partnership_id", "partnership")],
    "partnership_member": [("partnership_id", "partnership")],
    "partnership_review": [("partnership_id", "partnership")],
    "measurement": [("indicator_id", "indicator")],
    "agreement_party": [("agreement_id", "agreement")],
    "obligation": [("agreement_id", "agreement")],
    "signatory": [("agreement_id", "agreement")],
    "meeting_attendee": [("meeting_id", "meeting")],
    "action_item": [("meeting_id", "meeting"), ("event_id", "event"),
                    ("partnership_id", "partnership")],
    "event_organization": [("event_id", "event")],
    "event_partnership": [("event_id", "event")],
    "event_resource": [("event_id", "event")],
    "event_attendance": [("event_id", "event")],
    "survey_result": [("feedback_id", "feedback")],
    "resource": [("organization_id", "organization")],
    "referral_pathway": [("from_organization_id", "organization")],
    "referral_count": [("pathway_id", "referral_pathway")],
    "funding_deliverable": [("funding_id", "funding")],
}


def first_size(screen: QSize) -> QSize:
    """The first time it opens the window takes most of the screen (lists of many columns
    then fit without scrolling sideways), but not all of a very large one."""
    return QSize(min(max(round(screen.width() * 0.9), 1200), screen.width(), 1800),
                 min(max(round(screen.height() * 0.9), 760), screen.height(), 1200))


class UndoKeysThrough(QObject):
    """Ctrl+Z (or Ctrl+Shift+Z) in a text field with nothing of its own to undo (or
    redo) goes to Edit > Undo (Redo): right after a save, Ctrl+Z takes the save back.
    A field with typing to undo keeps the key, as in every program."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        undo = event.matches(QKeySequence.StandardKey.Undo)
        redo = event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == Qt.Key.Key_Z and event.modifiers()
            == Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        if not (undo or redo):
            return False
        if isinstance(watched, QLineEdit):
            own = watched.isUndoAvailable() if undo else watched.isRedoAvailable()
        elif isinstance(watched, QPlainTextEdit | QTextEdit):
            document = watched.document()
            own = document.isUndoAvailable() if undo else document.isRedoAvailable()
        else:
            return False
        if own or watched.isReadOnly():
            return False
        event.ignore()  # not the field's: the window's shortcut takes it
        return True


class MainWindow(QMainWindow):
    sig_view_changed = Signal(str)
    sig_views_added = Signal()  # a screen was added to the navigation (`add_view`)
    """The screen shown changed: its key."""

    def __init__(self, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or QSettings()
        self.desk: Desk | None = None
        self.today: date | None = None
        self.views: dict[str, QWidget] = {}  # the screens built so far
        self._factories: dict[str, tuple[str, Callable[[], QWidget]]] = {}
        self.setWindowTitle(self.tr("PartnerDesk"))
        self.setMinimumSize(QSize(760, 480))
        self._undo_task: Any = None  # an undo or redo running on the database worker
        self._undo_keys = UndoKeysThrough(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._undo_keys)

        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Screens"))
        self.nav.setToolTip(self.tr("Choose what to look at."))
        self.nav.setMaximumWidth(240)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet(f"QListWidget#navigation::item {{ padding: {theme.SPACING}px "
                               f"{theme.SPACING}px; }}")
        self.nav.currentItemChanged.connect(self._on_nav)
        self.stack = QStackedWidget()
        self.opening = QLabel(self.tr("Opening your records…"))
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        # Says, for as long as the window shows such a database, why nothing can be saved.
        self.read_only_banner = QLabel()
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setAccessibleName(self.tr("This database cannot be changed"))
        self.read_only_banner.setContentsMargins(theme.SPACING, theme.SPACING,
                                                 theme.SPACING, theme.SPACING)
        theme.set_tone(self.read_only_banner, "warning", fill=True)
        self.read_only_banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_actions()
        self._seen_views: set[str] = set()
        self._build_menus()
        self._build_toolbar()
        decorate_actions(self)
        self._restore_geometry()
        self.setStatusBar(QStatusBar(self))  # made here, as the menu bar (`_build_menus`)

    def _show_read_only(self, desk: "Desk") -> None:
        """A file on read-only media, or an office database this person may only look at."""
        if desk.store.read_only:
            text = self.tr("Read only: {why} You can look, search, print and export; "
                           "changes cannot be saved.").format(why=desk.store.read_only)
        elif not desk.can_change:
            text = self.tr("Read only: your account may look at this office database but "
                           "not change it. You can look, search and print; ask the person "
                           "who set it up if you need to make changes.")
        else:
            text = ""
        self.read_only_banner.setText(text)
        self.read_only_banner.setVisible(bool(text))

    # -- actions, menus, toolbar ---------------------------------------------------------
    def _action(self, text: str, tip: str, slot: Any,
                shortcut: QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.new_action = self._action(self.tr("&New"), self.tr("Add a new record here"),
                                       self.new_record, key.New)
        self.save_action = self._action(self.tr("&Save"), self.tr("Save the record you are "
                                                                  "editing"), self.save, key.Save)
        self.close_action = self._action(self.tr("&Close window"), self.tr("Close PartnerDesk"),
                                         self.close, key.Close)
        self.quit_action = self._action(self.tr("&Quit"), self.tr("Quit PartnerDesk"),
                                        self.close, key.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.undo_action = self._action(self.tr("&Undo"), self.tr(
            "Take back the last change (Ctrl+Z)"), self.undo, key.Undo)
        self.redo_action = self._action(self.tr("&Redo"), self.tr(
            "Do again the change taken back last (Ctrl+Shift+Z)"), self.redo)
        redo_keys = QKeySequence.keyBindings(key.Redo)
        if QKeySequence("Ctrl+Shift+Z") not in redo_keys:
            redo_keys.insert(0, QKeySequence("Ctrl+Shift+Z"))
        self.redo_action.setShortcuts(redo_keys)
        self.undo_action.setEnabled(False)  # until there is something to undo
        self.redo_action.setEnabled(False)
        self.find_action = self._action(self.tr("&Find in this list"), self.tr(
            "Filter the list on screen"), self.find, key.Find)
        self.search_action = self._action(self.tr("&Search everywhere…"), self.tr(
            "Search every kind of record (Ctrl+K)"), self.open_search, "Ctrl+K")
        self.about_action = self._action(self.tr("&About PartnerDesk"), self.tr(
            "Version and where your data is kept"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.backups_action = self._action(self.tr("&Backups…"), self.tr(
            "See the automatic backups and restore one"), self.show_backups)
        self.backups_action.setEnabled(False)  # until the database is open
        for action in (self.new_action, self.save_action, self.find_action):
            action.setEnabled(False)  # until a screen that offers them is shown
        # On the window itself too, so the shortcuts work wherever the focus is.
        self.addActions([self.new_action, self.save_action, self.close_action,
                         self.quit_action, self.undo_action, self.redo_action,
                         self.find_action, self.search_action, self.about_action])

    def _build_menus(self) -> None:
        # The bar and its menus made here rather than by `menuBar()` and `addMenu(title)`,
        # which have Qt make them: an object Qt made has no Python object of its own, and
        # PySide6 has handed back a stale one of another type left at its address
        # ("'QWidgetItem' object has no attribute 'addMenu'", then "… 'addAction'"), as
        # it once did for the screens list's model (`go_menu`).
        bar = QMenuBar(self)
        self.setMenuBar(bar)
        self.menu_bar = bar
        file_menu = QMenu(self.tr("&File"), bar)
        bar.addMenu(file_menu)
        file_menu.addActions([self.new_action, self.save_action])
        file_menu.addSeparator()
        file_menu.addActions([self.close_action, self.quit_action])
        edit_menu = QMenu(self.tr("&Edit"), bar)
        bar.addMenu(edit_menu)
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.search_action])
        help_menu = QMenu(self.tr("&Help"), bar)
        bar.addMenu(help_menu)
        help_menu.addAction(self.about_action)
        self.file_menu, self.edit_menu, self.help_menu = file_menu, edit_menu, help_menu

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Main toolbar"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.save_action)
        toolbar.addAction(self.undo_action)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy())
        toolbar.addWidget(spacer)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search everything (Ctrl+K)"))
        self.search_box.setEnabled(False)  # until the database is open
        self.search_box.setAccessibleName(self.tr("Search everything"))
        self.search_box.setToolTip(self.tr("Type a name or a word to find any record."))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(320)
        toolbar.addWidget(self.search_box)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    # -- opening a database --------------------------------------------------------------
    def show_opening(self, path: Path | str) -> None:
        """Before the database layer has loaded: which file (or office database on a
        server, given by its address) is being opened."""
        name = path.name if isinstance(path, Path) else str(path).split("?")[0].rsplit("/")[-1]
        self.setWindowTitle(self.tr("PartnerDesk — {file}").format(file=name))
        self.opening.setText(self.tr("Opening your records in {file}…").format(file=name))

    def set_desk(self, desk: "Desk", today: date | None = None) -> None:
        """Build the screens on an open database (the slow part, after the first paint)."""
        from partnerdesk.ui.dashboard import DashboardView
        from partnerdesk.ui.record_list import RecordListView
        from partnerdesk.ui.search_popup import SearchPopup
        from partnerdesk.ui.trash_view import TrashView
        from partnerdesk.ui.widgets.data_hub import hub_for
        from partnerdesk.ui.widgets.dates import use_date_format
        from partnerdesk.ui.widgets.list_specs import specs

        self.desk, self.today = desk, today
        use_date_format(desk)
        self.search_popup = SearchPopup(desk, self.search_box, self)
        self.search_popup.sig_open_record.connect(self.open_record)
        self.search_box.setEnabled(True)
        name = desk.address.database if desk.address is not None else desk.path.name
        self.setWindowTitle(self.tr("PartnerDesk — {file}").format(file=name))
        self.statusBar().showMessage(self.tr("Database: {path}").format(path=desk.describe()),
                                     8000)
        self._show_read_only(desk)
        self.add_view("dashboard", self.tr("Dashboard"),
                      lambda: DashboardView(desk, today=today))
        for key, spec in specs().items():
            self.add_view(key, spec.title,
                          lambda spec=spec: RecordListView(desk, spec))
        self._add_feature_views(desk)
        self.add_view("trash", self.tr("Trash"), lambda: TrashView(desk))
        hub_for(desk).sig_data_changed.connect(self.update_undo_actions)
        self.update_undo_actions()
        self._add_feature_menus(desk)
        decorate_actions(self)
        self.stack.removeWidget(self.opening)
        last = str(self.settings.value("main/view", "dashboard"))
        self.show_view(last if self.has_view(last) else "dashboard")

    # -- undo and redo --------------------------------------------------------------------
    def update_undo_actions(self, *_args: object) -> None:
        """Undo and Redo name what they would do, and are grey when there is nothing (or
        while one is running)."""
        journal = self.desk.undo if self.desk is not None else None
        busy = self._undo_task is not None
        undo = journal.undo_name() if journal is not None else None
        redo = journal.redo_name() if journal is not None else None
        self.undo_action.setText(self.tr("&Undo: {what}").format(what=undo) if undo
                                 else self.tr("&Undo"))
        self.redo_action.setText(self.tr("&Redo: {what}").format(what=redo) if redo
                                 else self.tr("&Redo"))
        self.undo_action.setEnabled(bool(undo) and not busy)
        self.redo_action.setEnabled(bool(redo) and not busy)

    def undo(self) -> None:
        self._undo_or_redo(backwards=True)

    def redo(self) -> None:
        self._undo_or_redo(backwards=False)

    def _undo_or_redo(self, *, backwards: bool) -> None:
        """Run the journal's undo (or redo) on the database worker; a big one shows its
        progress. A step that can no longer apply says why, and nothing changes."""
        from partnerdesk.ui.errors import show_error
        from partnerdesk.ui.tasks import DeskOp

        desk = self.desk
        if desk is None or self._undo_task is not None:
            return
        journal = desk.undo
        name = journal.undo_name() if backwards else journal.redo_name()
        if name is None:
            return

        def work(progress: Any) -> Any:
            return journal.undo(progress) if backwards else journal.redo(progress)

        def done(_changes: Any) -> None:
            self._undo_task = None
            self.update_undo_actions()
            self.statusBar().showMessage(
                (self.tr("Undone: {what}") if backwards else self.tr("Redone: {what}"))
                .format(what=name), 6000)

        def failed(error: BaseException) -> None:
            self._undo_task = None
            self.update_undo_actions()
            show_error(self, error)

        label = self.tr("Undoing the {what}…") if backwards else \
            self.tr("Redoing the {what}…")
        self._undo_task = DeskOp(self, work).success(done).failure(failed).with_progress(
            label.format(what=name), cancellable=False).run_in_background()
        self.update_undo_actions()

    def _add_feature_views(self, desk: "Desk") -> None:
        """The resource map, reports and sharing screens, each built on the open database."""
        def resource_map() -> QWidget:
            from partnerdesk.ui.resource_map.view import ResourceMapView

            return ResourceMapView(desk, self)

        def reports() -> QWidget:
            from partnerdesk.ui.reports_view import ReportsView

            return ReportsView(desk, self)

        def sharing() -> QWidget:
            from partnerdesk.ui.sharing_view import SharingView

            return SharingView(desk, self)

        self.add_view("resource_map", self.tr("Resource map"), resource_map, after="agreements")
        self.add_view("reports", self.tr("Reports"), reports)
        self.add_view("sharing", self.tr("Sharing"), sharing)

    def _add_feature_menus(self, desk: "Desk") -> None:
        from partnerdesk.ui.help import add_help_actions
        from partnerdesk.ui.interchange_menu import build_import_export_menus

        self.file_menu.insertActions(self.close_action,
                                     [*build_import_export_menus(self, desk), self.backups_action])
        self.file_menu.insertSeparator(self.close_action)
        self.backups_action.setEnabled(True)
        add_help_actions(self.help_menu, self)
        from partnerdesk.ui import desktop_features

        desktop_features.install(self)

    def show_backups(self) -> None:
        from partnerdesk.ui.backups_window import BackupsWindow

        window = BackupsWindow(self.desk, self)
        window.sig_restored.connect(self._after_restore)
        window.exec()
        window.deleteLater()

    def _after_restore(self, _backup_path: str) -> None:
        """Every screen shows what the restored database holds."""
        for view in self.views.values():
            for name in ("reload", "refresh"):
                method = getattr(view, name, None)
                if callable(method):
                    method()
                    break
        self.statusBar().showMessage(self.tr("The backup was restored."), 8000)

    def add_view(self, key: str, title: str, widget: QWidget | Callable[[], QWidget],
                 after: str | None = None) -> None:
        """Add a screen to the navigation (after the screen `after`, else before Trash):
        a widget, or a function that makes it when it is first shown."""
        if self.has_view(key):
            raise ValueError(f"A screen called {key!r} is already there.")
        keys = [self.nav.item(i).data(KEY_ROLE) for i in range(self.nav.count())]
        if after in keys:
            position = keys.index(after) + 1
        elif "trash" in keys:
            position = keys.index("trash")
        else:
            position = len(keys)
        item = QListWidgetItem(screen_icon(key), title)
        item.setData(KEY_ROLE, key)
        item.setToolTip(title)
        self.nav.insertItem(position, item)
        if isinstance(widget, QWidget):
            self._install(key, title, widget)
        else:
            self._factories[key] = (title, widget)
        self.sig_views_added.emit()

    def _install(self, key: str, title: str, widget: QWidget) -> None:
        self.views[key] = widget
        self.stack.addWidget(widget)
        widget.setAccessibleName(title)
        signal = getattr(widget, "sig_open_record", None)
        if signal is not None:
            signal.connect(self.open_record)
        restore = getattr(widget, "restore_state", None)
        if restore:
            restore(self.settings)

    def has_view(self, key: str) -> bool:
        return key in self.views or key in self._factories

    def view_keys(self) -> list[str]:
        """Every screen's key, built or not, in the navigation's order."""
        return [str(self.nav.item(i).data(KEY_ROLE)) for i in range(self.nav.count())]

    def view(self, key: str) -> QWidget:
        """The screen `key`, built now if it has not been shown yet."""
        if key not in self.views:
            title, make = self._factories.pop(key)
            self._install(key, title, make())
        return self.views[key]

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(KEY_ROLE)) if item else ""

    def current_view(self) -> QWidget | None:
        return self.views.get(self.current_key())

    def show_view(self, key: str) -> bool:
        for number in range(self.nav.count()):
            if self.nav.item(number).data(KEY_ROLE) == key:
                self.nav.setCurrentRow(number)
                return self.current_key() == key
        return False

    def _on_nav(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        key = str(current.data(KEY_ROLE))
        widget = self.view(key)
        self.stack.setCurrentWidget(widget)
        refresh = getattr(widget, "refresh", None)
        # The dashboard follows changes itself and was filled when it was built: refresh it
        # on later visits only. The Trash is read afresh each time it is shown.
        if refresh and (key == "trash" or (key == "dashboard" and key in self._seen_views)):
            refresh()
        self._seen_views.add(key)
        self.new_action.setEnabled(hasattr(widget, "new_record"))
        self.save_action.setEnabled(hasattr(widget, "save"))
        self.find_action.setEnabled(hasattr(widget, "focus_filter"))
        self.sig_view_changed.emit(key)

    # -- commands ------------------------------------------------------------------------
    def new_record(self) -> None:
        view = self.current_view()
        if view is not None and hasattr(view, "new_record"):
            view.new_record()

    def save(self) -> None:
        view = self.current_view()
        if view is not None and hasattr(view, "save"):
            view.save()

    def find(self) -> None:
        view = self.current_view()
        if view is not None and hasattr(view, "focus_filter"):
            view.focus_filter()

    def open_search(self, text: str = "") -> None:
        """Ctrl+K: the cursor goes to the toolbar search box (with `text`, search for it)."""
        self.search_popup.popup(text if isinstance(text, str) else None)

    def show_about(self) -> None:
        from partnerdesk.ui.about import AboutDialog

        dialog = AboutDialog(self.desk.path if self.desk else None, self)
        dialog.exec()
        dialog.deleteLater()

    def open_record(self, record_type: str, record_id: str) -> bool:
        """Show a record on the screen that holds it (a child record opens its parent)."""
        for key, view in self.views.items():
            claims = getattr(view, "can_open", None)
            if claims is not None and claims(record_type):
                return self._open_in(key, record_id)
        seen = 0
        while record_type not in LIST_OF_TYPE or not self.has_view(LIST_OF_TYPE[record_type]):
            parent = self._parent_of(record_type, record_id)
            seen += 1
            if parent is None or seen > 4:
                self.statusBar().showMessage(self.tr(
                    "That record cannot be shown on its own; open the record it belongs to."),
                    6000)
                return False
            record_type, record_id = parent
        return self._open_in(LIST_OF_TYPE[record_type], record_id)

    def _parent_of(self, record_type: str, record_id: str) -> tuple[str, str] | None:
        if record_type == "attachment":
            row = self.desk.attachments.get(record_id)
            return row.record_type, row.record_id
        for field, parent_type in PARENT_OF_TYPE.get(record_type, []):
            row = self.desk.service(record_type).get(record_id)
            parent_id = getattr(row, field, None)
            if parent_id:
                return parent_type, parent_id
        return None

    def _open_in(self, key: str, record_id: str) -> bool:
        current = self.current_view()
        view = self.view(key)
        if current is not view and current is not None and hasattr(current, "maybe_save") \
                and not current.maybe_save():
            return False
        self.show_view(key)
        opener = getattr(view, "open_record", None)
        return bool(opener(record_id)) if opener else True

    # -- closing and remembering -------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(geometry)
        else:
            self.place_on_screen()
        splitter = self.settings.value("main/splitter")
        if splitter:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([170, 1030])

    def place_on_screen(self) -> None:
        """First start: most of the screen, in its middle (`theme.initial_window_size`)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1200, 760)
            return
        free = screen.availableGeometry()
        size = theme.initial_window_size(free.size())
        self.resize(size)
        self.move(free.x() + (free.width() - size.width()) // 2,
                  free.y() + (free.height() - size.height()) // 2)

    def save_settings(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        if self.current_key():
            self.settings.setValue("main/view", self.current_key())
        for view in self.views.values():
            save_state = getattr(view, "save_state", None)
            if save_state:
                save_state(self.settings)
        self.settings.sync()

    def unsaved_views(self) -> list[QWidget]:
        return [view for view in self.views.values()
                if getattr(getattr(view, "editor", None), "is_dirty", lambda: False)()]

    def ask_about_unsaved(self) -> bool:
        """Every screen with unsaved edits asks Save / Discard / Cancel, the one shown
        first. False: the person chose Cancel (the window stays as it is)."""
        current = self.current_view()
        ordered = ([current] if current in self.unsaved_views() else []) + [
            v for v in self.unsaved_views() if v is not current]
        for view in ordered:
            key = next(k for k, v in self.views.items() if v is view)
            self.show_view(key)
            if not view.maybe_save():  # type: ignore[attr-defined]
                return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.ask_about_unsaved():  # Cancel keeps the window open
            event.ignore()
            return
        self.save_settings()
        event.accept()
