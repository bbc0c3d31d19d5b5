"""Icons for screens and actions: the desktop's icon theme where it has the standard name,
else the bundled outline icons in resources/icons/ui (Tabler Icons, MIT licence).

The bundled icons are drawn in the text colour of the palette shown, at paint time
(`TintedIconEngine`), so one set reads on light and dark backgrounds, greys out when an
action is disabled and turns white on a selected row. Screens use the bundled set only: the
freedesktop naming scheme has no names for "partnerships" or "agreements", and a sidebar
that mixes two styles looks patched together. A theme's icons are drawn for the platform's
own palette, so while the app shows its own palette (`theme.uses_own_palette()`) the
bundled icons are used for actions too.

    icon("save")            # a QIcon
    screen_icon("contacts")
"""

from functools import cache
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from partnerdesk.ui import theme

# key -> (freedesktop icon name or "", bundled file in resources/icons/ui)
ICONS: dict[str, tuple[str, str]] = {
    # screens
    "dashboard": ("", "layout-dashboard"),
    "organizations": ("", "building-community"),
    "contacts": ("", "address-book"),
    "partnerships": ("", "heart-handshake"),
    "agreements": ("", "file-certificate"),
    "resource_map": ("", "map-2"),
    "meetings": ("", "calendar-event"),
    "events": ("", "speakerphone"),
    "feedback": ("", "messages"),
    "funding": ("", "coin"),
    "reports": ("", "report-analytics"),
    "sharing": ("", "arrows-exchange"),
    "trash": ("", "trash"),
    # actions
    "new": ("document-new", "plus"),
    "save": ("document-save", "device-floppy"),
    "undo": ("edit-undo", "arrow-back-up"),
    "redo": ("edit-redo", "arrow-forward-up"),
    "find": ("edit-find", "filter"),
    "search": ("system-search", "search"),
    "delete": ("edit-delete", "trash"),
    "tag": ("", "tag"),
    "status": ("", "flag-2"),
    "about": ("help-about", "info-circle"),
    "guide": ("help-contents", "book-2"),
    "warning": ("dialog-warning", "alert-triangle"),
    "backups": ("", "restore"),
    "restore": ("", "restore"),
    "quit": ("application-exit", "logout"),
    "close": ("window-close", "x"),
    "import": ("document-import", "file-import"),
    "export": ("document-export", "file-export"),
    "print": ("document-print", "printer"),
    "email": ("mail-send", "mail-forward"),
    "open_database": ("document-open", "folder-open"),
    "new_database": ("", "database-plus"),
    "recent": ("document-open-recent", "history"),
    "connect_office": ("", "building-community"),
    "move_to_office": ("", "arrows-exchange"),
    "preferences": ("preferences-system", "settings"),
    "history": ("", "history"),
    "discard": ("document-revert", "arrow-back"),
    "edit": ("", "edit"),
    "add": ("list-add", "plus"),
    "remove": ("list-remove", "minus"),
    "make_report": ("", "file-analytics"),
    "open_file": ("", "file-text"),
    "duplicates": ("", "copy"),
    "getting_started": ("", "rocket"),
}
SCREENS = ("dashboard", "organizations", "contacts", "partnerships", "agreements",
           "resource_map", "meetings", "events", "feedback", "funding", "reports", "sharing",
           "trash")

# MainWindow attribute -> icon key (actions other parts add are named here too, so they
# get their icon wherever they are built; `decorate_actions` skips the ones not there).
WINDOW_ACTIONS = {
    "new_action": "new", "save_action": "save", "undo_action": "undo",
    "redo_action": "redo", "find_action": "find", "search_action": "search",
    "about_action": "about", "backups_action": "backups", "quit_action": "quit",
    "close_action": "close", "print_action": "print", "email_action": "email",
    "send_action": "email", "open_action": "open_database",
    "open_database_action": "open_database", "new_database_action": "new_database",
    "preferences_action": "preferences", "delete_action": "delete",
}


def folder() -> Path:
    from partnerdesk.paths import resources_dir  # platformdirs: not before the window shows

    return resources_dir() / "icons" / "ui"


@cache
def _svg(file_name: str) -> str:
    return (folder() / f"{file_name}.svg").read_text(encoding="utf-8")


@cache
def _render(file_name: str, width: int, height: int, colour: str) -> QImage:
    """The icon drawn in `colour` (cached: a toolbar repaints its icons often)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(_svg(file_name).replace("currentColor", colour)
                                       .encode("utf-8")))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _colour(mode: QIcon.Mode) -> str:
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorRole.HighlightedText).name()
    return palette.color(QPalette.ColorRole.WindowText).name()


class TintedIconEngine(QIconEngine):
    """One bundled icon, drawn in the palette's text colour for the mode asked; or the
    theme's icon of the same meaning when the platform's palette is shown and has it."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.icon_key = key
        self.theme_name, self.file_name = ICONS[key]

    def _themed(self) -> QIcon | None:
        if self.theme_name and not theme.uses_own_palette() \
                and QIcon.hasThemeIcon(self.theme_name):
            return QIcon.fromTheme(self.theme_name)
        return None

    def uses_theme(self) -> bool:
        return self._themed() is not None

    def _image(self, size: QSize, mode: QIcon.Mode, scale: float) -> QPixmap:
        side = max(1, round(min(size.width(), size.height()) * scale))
        pixmap = QPixmap.fromImage(_render(self.file_name, side, side, _colour(mode)))
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,  # noqa: N802
              state: QIcon.State) -> None:
        themed = self._themed()
        if themed is not None:
            themed.paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)
            return
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        side = min(rect.width(), rect.height())
        image = self._image(QSize(side, side), mode, scale)
        x = rect.x() + (rect.width() - side) // 2
        y = rect.y() + (rect.height() - side) // 2
        painter.drawPixmap(QRect(x, y, side, side), image)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        themed = self._themed()
        if themed is not None:
            return themed.pixmap(size, mode, state)
        return self._image(size, mode, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,  # noqa: N802
                     scale: float) -> QPixmap:
        themed = self._themed()
        if themed is not None:
            return themed.pixmap(size, scale, mode, state)
        return self._image(size, mode, scale)

    def actualSize(self, size: QSize, mode: QIcon.Mode,  # noqa: N802
                   state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        return _kept(TintedIconEngine(self.icon_key))

    def key(self) -> str:
        return "partnerdesk-tinted"

    def iconName(self) -> str:  # noqa: N802
        return self.theme_name or self.file_name


_ALIVE: list[QIconEngine] = []


def _kept(engine: QIconEngine) -> QIconEngine:
    """Hold a reference to an engine made in Python for as long as Qt may use it.

    The QIcon that takes the engine does not take the Python object: without a reference
    of ours, Python frees the engine while Qt still holds it, and a later use crashes (seen
    once in CI, in `decorate_actions`). Qt deletes the engine with its last icon; the
    references to those are dropped now and then."""
    if len(_ALIVE) >= 512:
        _ALIVE[:] = [kept for kept in _ALIVE if shiboken6.isValid(kept)]
    _ALIVE.append(engine)
    return engine


def icon(key: str) -> QIcon:
    """The icon for a screen or an action (see ICONS)."""
    return QIcon(_kept(TintedIconEngine(key)))


def screen_icon(key: str) -> QIcon:
    """A screen's icon in the navigation; a screen without one gets none."""
    return icon(key) if key in SCREENS else QIcon()


def decorate_actions(owner: object, names: dict[str, str] = WINDOW_ACTIONS) -> None:
    """Give the actions an object holds as attributes (`owner.save_action`) their icons."""
    for attribute, key in names.items():
        action = getattr(owner, attribute, None)
        if action is not None and hasattr(action, "setIcon"):
            action.setIcon(icon(key))
