"""One look for the whole app: light and dark palettes that follow the system, the colours
of our own drawings (status labels, charts, messages), one spacing unit and one type scale.

The palette: Qt 6.5+ tells the system's choice (`styleHints().colorScheme()`). When the
platform's own palette already matches it (macOS, Windows 11, KDE, a GTK theme), it is kept
as it is; when it does not (Qt under GNOME without a Qt theme, Windows 10's style), the app
switches to the Fusion style with our palette for that scheme. It follows a change while it
runs. With "high contrast" asked for (Qt 6.10+), coloured labels drop their fills for the
palette's own text and a strong outline, so they never rely on colour.

Tones are what a status or a date means: good, info, warning, danger, neutral. Each has a
fill, a text colour and an outline per scheme, chosen so the text reads at a contrast of
at least 4.5:1 on its fill (WCAG AA; tests/ui/test_theme.py measures it).

Sizes: SPACING is the unit every layout gap is made of (one unit between related controls,
two around a group); fonts are the system font times a factor in TYPE_SCALE, never a fixed
pixel size, so a person's larger system font makes everything larger.
"""

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLayout, QStyleFactory, QWidget

SPACING = 6
"""The spacing unit (pixels at 100 % scale): gaps are one unit, margins two."""
MARGIN = 2 * SPACING

TYPE_SCALE = {"title": 1.35, "heading": 1.1, "figure": 1.6, "body": 1.0, "small": 0.9}
"""Text roles: a factor of the system font size (and bold for all but body and small)."""

ToneName = Literal["good", "info", "warning", "danger", "neutral"]
TONE_NAMES: tuple[ToneName, ...] = ("good", "info", "warning", "danger", "neutral")
TONE_PROPERTY = "partnerdeskTone"
FILL_PROPERTY = "partnerdeskToneFill"
ROLE_PROPERTY = "partnerdeskTextRole"


@dataclass(frozen=True)
class Tone:
    fill: str
    text: str
    outline: str
    message: str  # the tone's colour for a line of text on the window background


LIGHT_TONES: dict[str, Tone] = {
    "good": Tone("#dcefdc", "#1b5e20", "#8cc28f", "#1b6b2a"),
    "info": Tone("#dce8f7", "#174a84", "#8fb1dc", "#1d5597"),
    "warning": Tone("#fbecc8", "#6b4500", "#d8b050", "#8a5a00"),
    "danger": Tone("#f8d7d7", "#8e1b1b", "#de8c8c", "#b00020"),
    "neutral": Tone("#e6e7e9", "#3b3f45", "#b5b9bf", "#4d525a"),
}
DARK_TONES: dict[str, Tone] = {
    "good": Tone("#1f3a24", "#a6dcac", "#3f7a48", "#8fd197"),
    "info": Tone("#1c3050", "#a9c8f2", "#3d6296", "#9cc0f5"),
    "warning": Tone("#43341a", "#f3cd7b", "#85692f", "#f0c060"),
    "danger": Tone("#4a2024", "#f5b0b0", "#8f4047", "#ff9a8f"),
    "neutral": Tone("#33363b", "#d3d7dc", "#5c6168", "#c3c8cf"),
}

# Series and bars in charts: dark on a light background, light on a dark one.
LIGHT_SERIES = ("#1f4e79", "#9c2c2c", "#2e6b30", "#6b4c9a")
DARK_SERIES = ("#7fb0e6", "#ef8f8f", "#8fd197", "#c3a6ee")

_LIGHT = {
    "Window": "#efefef", "WindowText": "#1b1b1b", "Base": "#ffffff", "AlternateBase": "#f5f5f5",
    "ToolTipBase": "#ffffdc", "ToolTipText": "#1b1b1b", "PlaceholderText": "#5f636a",
    "Text": "#1b1b1b", "Button": "#efefef", "ButtonText": "#1b1b1b", "BrightText": "#ffffff",
    "Light": "#ffffff", "Midlight": "#cacaca", "Mid": "#b8b8b8", "Dark": "#9f9f9f",
    "Shadow": "#767676", "Highlight": "#2f6fbf", "HighlightedText": "#ffffff",
    "Link": "#1d5597", "LinkVisited": "#6b3fa0", "Accent": "#2f6fbf",
}
_LIGHT_DISABLED = {"WindowText": "#8a8a8a", "Text": "#8a8a8a", "ButtonText": "#8a8a8a",
                   "Base": "#efefef", "Highlight": "#9a9a9a", "HighlightedText": "#ffffff"}
_DARK = {
    "Window": "#2a2c30", "WindowText": "#e6e6e6", "Base": "#1e1f22", "AlternateBase": "#26282c",
    "ToolTipBase": "#3b3e43", "ToolTipText": "#f0f0f0", "PlaceholderText": "#9aa0a8",
    "Text": "#e6e6e6", "Button": "#35383d", "ButtonText": "#e6e6e6", "BrightText": "#ffffff",
    "Light": "#4a4d53", "Midlight": "#3d4045", "Mid": "#55595f", "Dark": "#1a1b1e",
    "Shadow": "#0d0e10", "Highlight": "#3a74c9", "HighlightedText": "#ffffff",
    "Link": "#8ab4f8", "LinkVisited": "#c58af9", "Accent": "#3a74c9",
}
_DARK_DISABLED = {"WindowText": "#80858d", "Text": "#80858d", "ButtonText": "#80858d",
                  "Base": "#232427", "Button": "#2e3034", "Highlight": "#45484d",
                  "HighlightedText": "#9aa0a8"}


def _palette(colours: dict[str, str], disabled: dict[str, str]) -> QPalette:
    palette = QPalette()
    for name, value in colours.items():
        role = getattr(QPalette.ColorRole, name, None)
        if role is not None:  # Accent is Qt 6.6+
            palette.setColor(role, QColor(value))
    for name, value in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, name),
                         QColor(value))
    return palette


def light_palette() -> QPalette:
    return _palette(_LIGHT, _LIGHT_DISABLED)


def dark_palette() -> QPalette:
    return _palette(_DARK, _DARK_DISABLED)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette if palette is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def high_contrast() -> bool:
    """The person asked the system for more contrast (Qt 6.10+ can tell)."""
    hints = QGuiApplication.styleHints()
    accessibility = getattr(hints, "accessibility", None)
    if accessibility is None:
        return False
    preference = accessibility().contrastPreference()
    return preference == Qt.ContrastPreference.HighContrast


def tone(name: str, palette: QPalette | None = None) -> Tone:
    """The colours of a tone in the palette shown (unknown names read as neutral)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    if high_contrast():
        text = palette.color(QPalette.ColorRole.Text).name()
        return Tone(palette.color(QPalette.ColorRole.Base).name(), text, text, text)
    tones = DARK_TONES if is_dark(palette) else LIGHT_TONES
    return tones.get(name, tones["neutral"])


def series_colours(palette: QPalette | None = None) -> tuple[str, ...]:
    return DARK_SERIES if is_dark(palette) else LIGHT_SERIES


# -- applying the scheme -----------------------------------------------------------------
class _State:
    own_palette = False  # True while our palette replaces the platform's
    following: QObject | None = None


def uses_own_palette() -> bool:
    """Whether the app shows our palette instead of the platform's (icons then are ours
    too, since a theme's icons are drawn for the platform's palette)."""
    return _State.own_palette


def apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    """Show `scheme`: the platform's palette when it matches, else Fusion with ours."""
    app.setPalette(QPalette())  # back to what the platform and style give
    platform = app.palette()
    wanted_dark = scheme == Qt.ColorScheme.Dark
    if scheme == Qt.ColorScheme.Unknown or is_dark(platform) == wanted_dark:
        _State.own_palette = False
    else:
        style = app.style()
        if style is not None and style.name().lower() != "fusion":
            fusion = QStyleFactory.create("Fusion")
            if fusion is not None:
                app.setStyle(fusion)
        app.setPalette(dark_palette() if wanted_dark else light_palette())
        _State.own_palette = True
    refresh_tones()


def follow_system(app: QApplication) -> None:
    """Show the system's scheme now and whenever it changes."""
    hints = app.styleHints()
    apply_scheme(app, hints.colorScheme())
    if _State.following is not app:
        hints.colorSchemeChanged.connect(lambda scheme: apply_scheme(app, scheme))
        accessibility = getattr(hints, "accessibility", None)
        if accessibility is not None:
            accessibility().contrastPreferenceChanged.connect(lambda _p: refresh_tones())
        _State.following = app


# -- widgets that carry a tone or a text role --------------------------------------------
def set_tone(widget: QWidget, name: str | None, *, fill: bool = False) -> None:
    """Colour a widget by what it says: a message label's text (`fill=False`), or a banner's
    fill, outline and text (`fill=True`). Follows the scheme when it changes; None: plain."""
    widget.setProperty(TONE_PROPERTY, name or "")
    widget.setProperty(FILL_PROPERTY, fill)
    _apply_tone(widget)


def _apply_tone(widget: QWidget) -> None:
    name = str(widget.property(TONE_PROPERTY) or "")
    fill = bool(widget.property(FILL_PROPERTY))
    if not name:
        widget.setStyleSheet("")
        return
    colours = tone(name)
    if fill:
        if not widget.objectName():
            widget.setObjectName(f"tone_{id(widget)}")
        widget.setStyleSheet(
            f"#{widget.objectName()} {{ background: {colours.fill}; border: 1px solid "
            f"{colours.outline}; border-radius: 4px; }} "
            f"#{widget.objectName()} QLabel {{ color: {colours.text}; }}")
    else:
        widget.setStyleSheet(f"color: {colours.message};")


def refresh_tones() -> None:
    """Recolour every toned widget (after a change of scheme or contrast)."""
    for widget in QApplication.allWidgets():
        if widget.property(TONE_PROPERTY):
            _apply_tone(widget)


def set_text_role(widget: QWidget, role: str) -> None:
    """Size a widget's text by the type scale: "title", "heading", "figure", "small"."""
    base = QApplication.font()
    font = QFont(widget.font())
    size = base.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * TYPE_SCALE.get(role, 1.0))
    else:
        font.setPixelSize(round(base.pixelSize() * TYPE_SCALE.get(role, 1.0)))
    font.setWeight(QFont.Weight.Normal if role in ("body", "small") else QFont.Weight.DemiBold)
    widget.setFont(font)
    widget.setProperty(ROLE_PROPERTY, role)


# -- the window's first size ---------------------------------------------------------------
WINDOW_SHARE = 0.88  # of the screen's free area, each way
WINDOW_LARGEST = QSize(1720, 1080)  # past this, lines get too long to read
WINDOW_SMALLEST = QSize(980, 640)


def initial_window_size(available: QSize) -> QSize:
    """The main window's size on its first start: most of the screen (lists show their
    columns without scrolling sideways), capped on very large screens, never larger than
    the screen."""
    width = min(WINDOW_LARGEST.width(), max(WINDOW_SMALLEST.width(),
                                             round(available.width() * WINDOW_SHARE)))
    height = min(WINDOW_LARGEST.height(), max(WINDOW_SMALLEST.height(),
                                               round(available.height() * WINDOW_SHARE)))
    return QSize(min(width, available.width()), min(height, available.height()))


def space(layout: QLayout, margins: int = 0, spacing: int = 1) -> QLayout:
    """A layout's gaps in spacing units (margins 0: flush with its container)."""
    layout.setContentsMargins(*(margins * SPACING,) * 4)
    layout.setSpacing(spacing * SPACING)
    return layout
