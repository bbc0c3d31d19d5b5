"""The shared QPainter chart: it draws what it is given, legibly, and says when empty."""

from datetime import date

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from partnerdesk.ui.widgets.chart import ChartWidget, Series, nice_step


def ink(image: QImage) -> int:
    """How many pixels are not white (sampled on a grid, enough to tell blank from drawn)."""
    white = QColor("white").rgb()
    return sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if image.pixel(x, y) != white)


def dark_pixels_in(image: QImage, x0: int, x1: int, y0: int, y1: int) -> int:
    return sum(1 for x in range(x0, x1) for y in range(y0, y1)
               if QColor(image.pixel(x, y)).lightness() < 140)


MEASUREMENTS = [(date(2026, 1, 31), 12.0), (date(2026, 3, 31), 45.0), (date(2026, 5, 31), 61.0)]


def test_measurements_against_target_paint_a_non_blank_image(qtbot: QtBot) -> None:
    chart = ChartWidget()
    qtbot.addWidget(chart)
    chart.show_lines([], empty_text="No measurements yet.")
    empty = chart.render_image(360, 180)
    assert chart.is_empty()
    chart.show_lines([Series("People enrolled", MEASUREMENTS)], target=80, unit="people")
    drawn = chart.render_image(360, 180)
    assert not chart.is_empty()
    assert ink(drawn) > 3 * ink(empty) > 0  # the empty one shows only its sentence
    assert "People enrolled" in chart.accessibleDescription()
    assert "61" in chart.accessibleDescription() and "80" in chart.accessibleDescription()
    # On screen too, through paintEvent.
    chart.resize(360, 180)
    chart.show()
    assert ink(chart.grab().toImage()) > ink(empty)


def test_target_line_is_drawn_where_the_value_lies(qtbot: QtBot) -> None:
    chart = ChartWidget()
    qtbot.addWidget(chart)
    chart.show_lines([Series("Score", [(date(2026, 1, 1), 1.0), (date(2026, 2, 1), 1.0)])],
                     y_range=(0, 10))
    without = chart.render_image(400, 200)
    chart.show_lines([Series("Score", [(date(2026, 1, 1), 1.0), (date(2026, 2, 1), 1.0)])],
                     y_range=(0, 10), target=9)
    with_target = chart.render_image(400, 200)
    # The dashed target line adds ink in the upper part of the plot; the series does not.
    upper = (60, 380, 30, 70)
    assert dark_pixels_in(with_target, *upper) > dark_pixels_in(without, *upper) + 20


def test_series_differ_by_more_than_colour() -> None:
    """Printed in black and white, each series keeps its own marker and dash pattern."""
    from partnerdesk.ui.widgets import chart as module

    assert len(set(module.MARKERS)) == len(module.MARKERS) == len(module.DASHES)
    assert len(set(module.DASHES)) == len(module.DASHES)


def test_bars_for_categories(qtbot: QtBot) -> None:
    chart = ChartWidget()
    qtbot.addWidget(chart)
    chart.show_bars([("Draft", 2), ("Active", 5), ("Expired", 0)])
    image = chart.render_image(360, 180)
    assert ink(image) > 500
    assert chart.accessibleDescription() == "Draft: 2; Active: 5; Expired: 0"


def test_nice_steps() -> None:
    assert nice_step(100) == 25
    assert nice_step(4) == 1
    assert nice_step(0) == 1.0
    assert nice_step(0.9) == 0.25


def test_counts_get_whole_number_ticks(qtbot: QtBot) -> None:
    """The dashboard's agreements by status with one agreement: 0, 1, 2, never 0.25."""
    chart = ChartWidget()
    qtbot.addWidget(chart)
    for bars in ([("Draft", 0), ("Active", 1)], [("Draft", 2), ("Active", 3)],
                 [("Draft", 0), ("Active", 0)], [("Active", 7), ("Signed", 23)]):
        chart.show_bars(bars)
        ticks = chart.ticks()
        assert len(ticks) >= 2
        assert all(tick == int(tick) for tick in ticks), (bars, ticks)
        assert ticks[0] <= 0 and ticks[-1] >= max(value for _, value in bars)
        steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1  # evenly spaced
    chart.show_bars([("Draft", 0), ("Active", 1)])
    assert chart.ticks() == [0, 1, 2]


def test_measured_values_with_fractions_keep_fine_ticks(qtbot: QtBot) -> None:
    chart = ChartWidget()
    qtbot.addWidget(chart)
    chart.show_lines([Series("Score", [(date(2026, 1, 1), 0.4), (date(2026, 2, 1), 0.9)])])
    assert any(tick != int(tick) for tick in chart.ticks())
    chart.show_lines([Series("Score", [(date(2026, 1, 1), 1.0), (date(2026, 2, 1), 4.0)])],
                     y_range=(1, 5))  # review scores: whole numbers
    assert all(tick == int(tick) for tick in chart.ticks())


def test_the_report_chart_counts_in_whole_numbers_too() -> None:
    from partnerdesk.chart_axis import axis_ticks, nice_step
    from partnerdesk.reports import charts

    assert charts._nice_top(1.05, whole=True) == (2.0, 1.0)
    assert charts._nice_top(0.0, whole=True) == (1.0, 1.0)
    assert charts._nice_top(0.9) == (1.0, 0.25)  # fractions keep fine steps
    assert nice_step(0.9, whole=True) == 1.0
    assert nice_step(100, whole=True) == 25.0
    assert nice_step(10, whole=True) == 5.0
    assert axis_ticks(0, 3, whole=True) == [0, 1, 2, 3]


def test_on_a_dark_palette_the_chart_draws_light_ink(qtbot: QtBot) -> None:
    from partnerdesk.ui import theme

    chart = ChartWidget()
    qtbot.addWidget(chart)
    chart.setPalette(theme.dark_palette())
    chart.show_bars([("Draft", 2), ("Active", 5)])
    chart.resize(360, 180)
    chart.show()
    image = chart.grab().toImage()
    background = QColor(image.pixel(2, 2))
    assert background.lightness() < 60  # the dark palette's base
    light = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
                if QColor(image.pixel(x, y)).lightness() > 170)
    assert light > 30  # axis labels and values in light ink
    # a picture for a report stays dark on white whatever the palette
    printed = chart.render_image(360, 180)
    assert QColor(printed.pixel(2, 2)).lightness() == 255
