"""The visual pass (issue 20 point 10): icons for screens and actions, statuses and due dates
as coloured labels that also read as words (in high contrast and to a screen reader),
light and dark palettes following the system, lists that do not scroll sideways, short
lists no taller than their rows, and a first window sized for the screen."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QAccessible, QColor, QIcon, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMenu

from partnerdesk.ui import icons, theme
from partnerdesk.ui.widgets.status_label import STATUS_TONES, TONE_ROLE


@pytest.fixture
def light_again(qapp: QApplication) -> Iterator[QApplication]:
    """A test that switches to the dark palette leaves the light one behind it."""
    yield qapp
    theme.apply_scheme(qapp, Qt.ColorScheme.Light)
    theme.apply_scheme(qapp, Qt.ColorScheme.Unknown)


def drawn(image: QImage) -> list[QColor]:
    """The colours of the solid pixels of an icon."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    colours = [QColor.fromRgba(image.pixel(x, y)) for x in range(image.width())
               for y in range(image.height())]
    return [colour for colour in colours if colour.alpha() > 200]


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def cell_texts(table: Any) -> list[str]:
    """What a screen reader is told the table's cells say."""
    interface = QAccessible.queryAccessibleInterface(table)
    return [interface.child(i).text(QAccessible.Text.Name) for i in range(interface.childCount())
            if interface.child(i).role() == QAccessible.Role.Cell]


def column_of(model: Any, title: str) -> int:
    return next(c for c in range(model.columnCount())
                if model.headerData(c, Qt.Orientation.Horizontal) == title)


# -- icons --------------------------------------------------------------------------------
def test_every_icon_is_bundled_and_draws_in_the_text_colour(qapp: QApplication) -> None:
    assert (icons.folder() / "LICENSE").read_text().startswith("MIT License")
    for key, (_theme_name, file_name) in icons.ICONS.items():
        assert (icons.folder() / f"{file_name}.svg").is_file(), key
        engine = icons.TintedIconEngine(key)
        normal = drawn(engine.pixmap(QSize(24, 24), QIcon.Mode.Normal, QIcon.State.Off)
                       .toImage())
        assert len(normal) > 20, key
    text = QApplication.palette().color(QPalette.ColorRole.WindowText)
    pixels = drawn(icons.TintedIconEngine("save").pixmap(
        QSize(32, 32), QIcon.Mode.Normal, QIcon.State.Off).toImage())
    assert max(abs(p.lightness() - text.lightness()) for p in pixels) < 40
    disabled = drawn(icons.TintedIconEngine("save").pixmap(
        QSize(32, 32), QIcon.Mode.Disabled, QIcon.State.Off).toImage())
    assert min(p.lightness() for p in disabled) > max(p.lightness() for p in pixels) + 40


def test_every_screen_and_every_action_has_an_icon(demo_desk: Any, make_window: Any) -> None:
    window = make_window(demo_desk)
    for number in range(window.nav.count()):
        item = window.nav.item(number)
        assert not item.icon().isNull(), item.text()
        assert drawn(item.icon().pixmap(20, 20).toImage()), item.text()
    toolbar = [a for a in window.toolbar.actions() if not a.isSeparator() and a.text()]
    assert toolbar and all(not a.icon().isNull() for a in toolbar)

    def without_icon(menu: QMenu) -> list[str]:
        """The menu's entries (submenus too, not what is inside them) with no icon."""
        return [a.text() for a in menu.actions() if not a.isSeparator() and a.icon().isNull()]

    for menu in (window.file_menu, window.edit_menu, window.help_menu):
        assert without_icon(menu) == [], menu.title()
    contacts = window.view("contacts")
    for button in (contacts.new_button, contacts.tag_button, contacts.delete_button):
        assert not button.icon().isNull(), button.text()
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon


def test_a_selected_screen_draws_its_icon_in_the_highlighted_text_colour(
        qapp: QApplication) -> None:
    icon = icons.icon("contacts")
    selected = drawn(icon.pixmap(QSize(24, 24), QIcon.Mode.Selected).toImage())
    wanted = QApplication.palette().color(QPalette.ColorRole.HighlightedText)
    assert max(abs(p.lightness() - wanted.lightness()) for p in selected) < 40


# -- statuses and due dates ------------------------------------------------------------
def test_statuses_and_due_dates_are_labels_that_say_it_in_words(
        desk: Any, make_window: Any, qtbot: Any) -> None:
    today = date.today()  # the lists count from today
    ship = desk.partnerships.create(title="Food as Medicine", status="active",
                                    next_review_date=today - timedelta(days=3))
    lapsed = desk.agreements.create(title="Summer Meals MOU", status="active",
                                    partnership_id=ship.id,
                                    expiry_date=today - timedelta(days=5))
    desk.agreements.create(title="Draft MOU", status="draft", partnership_id=ship.id)
    window = make_window(desk)
    window.resize(1400, 800)
    window.show_view("agreements")
    view = window.view("agreements")
    model = view.model
    status, expires = column_of(model, "Status"), column_of(model, "Expires")
    rows = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
    summer = rows["Summer Meals MOU"]
    assert model.data(model.index(summer, status)) == "Active"
    assert model.data(model.index(summer, status), TONE_ROLE) == "good"
    assert model.data(model.index(rows["Draft MOU"], status), TONE_ROLE) == "neutral"
    assert model.data(model.index(summer, expires), TONE_ROLE) == "danger"
    assert "expired, still marked active" in model.data(model.index(summer, expires))
    # A screen reader reads the words; the colour only repeats them.
    said = cell_texts(view.table)
    assert "Active" in said and "Draft" in said
    assert any("expired, still marked active" in text for text in said)
    # The label is drawn: its fill shows inside the status cell.
    view.table.clearSelection()
    qtbot.waitUntil(lambda: view.table.viewport().isVisible())
    picture = view.table.viewport().grab().toImage()
    cell = view.table.visualRect(model.index(summer, status))
    fill = QColor(theme.tone("good").fill)
    inside = [QColor(picture.pixel(QPoint(x, cell.center().y())))
              for x in range(cell.left() + 6, cell.left() + 20)]
    assert any(abs(c.red() - fill.red()) + abs(c.green() - fill.green())
               + abs(c.blue() - fill.blue()) < 12 for c in inside)
    assert lapsed.id in {model.data(model.index(r, 0), Qt.ItemDataRole.UserRole + 1)
                         for r in range(model.rowCount())}

    window.show_view("partnerships")
    partnerships = window.view("partnerships").model
    review = column_of(partnerships, "Next review")
    assert partnerships.data(partnerships.index(0, review)).endswith("(overdue)")
    assert partnerships.data(partnerships.index(0, review), TONE_ROLE) == "danger"


def test_every_status_has_a_tone_and_every_tone_reads_at_aa_contrast() -> None:
    from partnerdesk.db import vocabulary as v

    for record_type, statuses in (("organization", v.ORGANIZATION_STATUSES),
                                  ("partnership", v.PARTNERSHIP_STATUSES),
                                  ("agreement", v.AGREEMENT_STATUSES),
                                  ("funding", v.FUNDING_STATUSES)):
        assert set(STATUS_TONES[record_type]) == {value for value, _ in statuses}
    for tones, palette in ((theme.LIGHT_TONES, theme.light_palette()),
                           (theme.DARK_TONES, theme.dark_palette())):
        window = palette.color(QPalette.ColorRole.Window).name()
        base = palette.color(QPalette.ColorRole.Base).name()
        assert set(tones) == set(theme.TONE_NAMES)
        for name, colours in tones.items():
            assert contrast(colours.text, colours.fill) >= 4.5, name
            assert contrast(colours.message, window) >= 4.5, name
            assert contrast(colours.message, base) >= 4.5, name
        for role in ("WindowText", "Text", "ButtonText", "PlaceholderText"):
            colour = palette.color(getattr(QPalette.ColorRole, role)).name()
            assert contrast(colour, window) >= 4.5, role


def test_in_high_contrast_labels_drop_their_fills_for_the_palettes_text(
        monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> None:
    monkeypatch.setattr(theme, "high_contrast", lambda: True)
    palette = theme.light_palette()
    for name in theme.TONE_NAMES:
        colours = theme.tone(name, palette)
        assert colours.fill == palette.color(QPalette.ColorRole.Base).name()
        assert colours.text == colours.outline == palette.color(QPalette.ColorRole.Text).name()


# -- light and dark --------------------------------------------------------------------
def test_the_app_follows_the_systems_light_or_dark_setting(
        light_again: QApplication, qtbot: Any) -> None:
    app = light_again
    label = QLabel("This date is not valid.")
    qtbot.addWidget(label)
    theme.set_tone(label, "danger")
    assert theme.LIGHT_TONES["danger"].message in label.styleSheet()

    theme.follow_system(app)
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # as the system does
    assert theme.is_dark(app.palette())
    assert theme.uses_own_palette()  # offscreen's palette is light: ours replaces it
    assert app.style().name().lower() == "fusion"
    assert theme.DARK_TONES["danger"].message in label.styleSheet()
    assert theme.tone("good").fill == theme.DARK_TONES["good"].fill
    light_ink = QApplication.palette().color(QPalette.ColorRole.WindowText)
    assert light_ink.lightness() > 180
    pixels = drawn(icons.icon("save").pixmap(QSize(24, 24)).toImage())
    assert min(p.lightness() for p in pixels) > 120  # icons turn light on dark

    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.is_dark(app.palette())
    assert theme.LIGHT_TONES["danger"].message in label.styleSheet()
    pixels = drawn(icons.icon("save").pixmap(QSize(24, 24)).toImage())
    assert max(p.lightness() for p in pixels) < 100


def test_both_palettes_paint_a_whole_screen_legibly(
        light_again: QApplication, demo_desk: Any, make_window: Any, tmp_path: Any) -> None:
    window = make_window(demo_desk)
    window.resize(1280, 800)
    window.show_view("agreements")
    window.view("agreements").select_row(0)
    pictures = {}
    for scheme in (Qt.ColorScheme.Light, Qt.ColorScheme.Dark):
        theme.apply_scheme(light_again, scheme)
        QApplication.processEvents()
        pictures[scheme] = window.grab().toImage()
        pictures[scheme].save(str(tmp_path / f"{scheme.name}.png"))
    light, dark = pictures[Qt.ColorScheme.Light], pictures[Qt.ColorScheme.Dark]

    def mean_lightness(image: QImage) -> float:
        values = [QColor(image.pixel(x, y)).lightness() for x in range(0, image.width(), 9)
                  for y in range(0, image.height(), 9)]
        return sum(values) / len(values)

    assert mean_lightness(light) > 180 > 90 > mean_lightness(dark)


# -- sizes ------------------------------------------------------------------------------
def test_the_first_window_takes_most_of_the_screen() -> None:
    for screen in (QSize(1920, 1040), QSize(1366, 728), QSize(1280, 770), QSize(2560, 1400)):
        size = theme.initial_window_size(screen)
        assert size.width() <= screen.width() and size.height() <= screen.height()
        assert size.width() * size.height() >= 0.6 * min(
            screen.width() * screen.height(), theme.WINDOW_LARGEST.width()
            * theme.WINDOW_LARGEST.height()), screen
    small = theme.initial_window_size(QSize(900, 600))
    assert small == QSize(900, 600)


def test_a_new_window_opens_sized_for_its_screen(make_window: Any, desk: Any) -> None:
    window = make_window(desk)
    free = window.screen().availableGeometry().size()
    assert window.size() == theme.initial_window_size(free)


def test_lists_do_not_scroll_sideways_and_keep_short_columns_whole(
        demo_desk: Any, make_window: Any, qtbot: Any) -> None:
    window = make_window(demo_desk)
    window.resize(1280, 800)
    for key in ("contacts", "organizations", "agreements", "partnerships", "meetings"):
        window.show_view(key)
        view = window.view(key)
        bar = view.table.horizontalScrollBar()
        qtbot.waitUntil(lambda bar=bar: bar.maximum() == 0)  # nothing to scroll to
        header = view.table.horizontalHeader()
        assert header.length() <= view.table.viewport().width(), key
    agreements = window.view("agreements")
    window.show_view("agreements")
    status = column_of(agreements.model, "Status")
    qtbot.waitUntil(lambda: agreements.table.columnWidth(status)
                    >= agreements.table.sizeHintForColumn(status))


def test_a_column_the_person_widened_stays_as_they_left_it(
        demo_desk: Any, make_window: Any, qtbot: Any) -> None:
    from partnerdesk.ui.widgets.fit import share_width

    assert share_width([100, 80], [50, 50], 300) == [100, 80]
    assert share_width([400, 60, 300], [60, 60, 60], 500) == [220, 60, 220]
    assert share_width([400, 400], [200, 200], 300) == [200, 200]
    from partnerdesk.ui.widgets.fit import share_with_first_whole

    # The name stays whole (up to 40% of the room); the others share what is left.
    assert share_with_first_whole([150, 200, 200, 60], [60, 60, 60, 60], 500) == [
        150, 145, 145, 60]
    assert share_with_first_whole([300, 200, 200], [60, 60, 60], 500) == [200, 150, 150]
    assert share_with_first_whole([100, 80], [50, 50], 300) == [100, 80]
    window = make_window(demo_desk)
    window.show_view("contacts")
    view = window.view("contacts")
    header = view.table.horizontalHeader()
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton)
    header.resizeSection(1, 333)
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton)
    window.resize(window.width() - 100, window.height())
    QApplication.processEvents()
    view.column_fitter.fit()
    assert header.sectionSize(1) == 333


def test_a_short_child_list_is_only_as_tall_as_its_rows(desk: Any, qtbot: Any) -> None:
    from partnerdesk.ui.editors.agreement import AgreementEditor

    editor = AgreementEditor(desk)
    qtbot.addWidget(editor)
    editor.show()
    section = editor.sections["parties"]
    table = section.table
    empty = table.height()
    org = desk.organizations.create(name="Mercy General Hospital")
    for number in range(3):
        section.model.add_row({"organization_id": org.id, "role": f"Role {number}"})
    three = table.height()
    for number in range(12):
        section.model.add_row({"organization_id": org.id, "role": f"More {number}"})
    many = table.height()
    row = table.verticalHeader().defaultSectionSize()
    assert empty < three < many
    assert three - empty >= row - 2  # one row more than the two it starts with
    assert many - three <= 6 * row  # at most eight rows, then it scrolls


def test_late_work_in_an_editor_says_overdue_and_the_record_shows_its_status(
        desk: Any, make_window: Any) -> None:
    today = date.today()
    ship = desk.partnerships.create(title="School Health Screening", status="under_review")
    desk.milestones.create(partnership_id=ship.id, title="Spring screening week",
                           due_date=today - timedelta(days=4))
    desk.milestones.create(partnership_id=ship.id, title="Report to the board",
                           due_date=today + timedelta(days=30))
    window = make_window(desk)
    assert window.open_record("partnership", ship.id)
    view = window.view("partnerships")
    section = view.editor.milestones_section
    model = section.table.model()
    due = column_of(model, "Due")
    rows = {model.data(model.index(r, column_of(model, "Milestone"))): r
            for r in range(model.rowCount())}
    late = model.index(rows["Spring screening week"], due)
    assert model.data(late).endswith("(overdue)") and model.data(late, TONE_ROLE) == "danger"
    later = model.index(rows["Report to the board"], due)
    assert "overdue" not in model.data(later) and model.data(later, TONE_ROLE) is None
    assert any(text.endswith("(overdue)") for text in cell_texts(section.table))
    # the editor's heading carries the status as a label, in words
    assert view.pane.status.isVisible()
    assert view.pane.status.text() == "Under review"
    assert view.pane.status.tone_name == "warning"
    assert view.pane.status.accessibleName() == "Under review"


def test_one_type_scale_and_one_set_of_message_colours(qapp: QApplication) -> None:
    """Text sizes come from the type scale (a factor of the system font, which a person may
    enlarge), never a fixed pixel size; coloured text from the theme's tones, which follow
    light and dark. A new screen that hard-codes either fails here."""
    import re
    from pathlib import Path

    ui = Path(theme.__file__).parent
    fixed = re.compile(r"font-size|setPixelSize\(|\bcolor:\s*#")
    found = [f"{path.relative_to(ui)}:{number}"
             for path in sorted(ui.rglob("*.py")) if path.name != "theme.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if fixed.search(line)]
    assert found == []
    app_font = QApplication.font().pointSizeF()
    title, figure = QLabel("Dashboard"), QLabel("12")
    theme.set_text_role(title, "title")
    theme.set_text_role(figure, "figure")
    assert title.font().pointSizeF() == pytest.approx(app_font * theme.TYPE_SCALE["title"])
    assert figure.font().pointSizeF() == pytest.approx(app_font * theme.TYPE_SCALE["figure"])
    assert title.font().weight() == figure.font().weight() > QLabel().font().weight()
