"""The resource map: Gaps follows the records; the network keeps dragged positions."""

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.services.network_positions import saved_positions
from partnerdesk.ui.resource_map import ResourceMapView, gaps_tab
from partnerdesk.ui.resource_map.editors import EditorDialog, NeedEditor, ResourceEditor


def fill_and_save(qtbot: QtBot, fill: Callable[[Any], None]) -> Callable[[EditorDialog], int]:
    """Stands in for the modal `exec`: the person types, then presses Save."""
    def exec_(dialog: EditorDialog) -> int:
        dialog.show()
        fill(dialog.editor)
        qtbot.waitUntil(dialog.save_button.isEnabled)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == EditorDialog.DialogCode.Accepted
        return dialog.result()
    return exec_


def choose(combo: Any, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def coverage_of(view: ResourceMapView, need: str) -> str:
    model = view.gaps.model
    for row in range(model.rowCount()):
        if model.index(row, 1).data() == need:
            return str(model.index(row, 4).data())
    return ""


def test_a_need_goes_from_unmet_to_covered(qtbot: QtBot, desk: Desk,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    food_bank = desk.organizations.create(name="Northside Food Bank").id
    parish = desk.organizations.create(name="St. Brigid's Parish").id
    view = ResourceMapView(desk)
    qtbot.addWidget(view)
    view.show()
    view.show_tab("gaps")

    def need(editor: NeedEditor) -> None:
        qtbot.keyClicks(editor.title, "Meals for isolated seniors")
        choose(editor.category, "Food")
        qtbot.keyClicks(editor.area, "East side")

    monkeypatch.setattr(gaps_tab.EditorDialog, "exec", fill_and_save(qtbot, need))
    with qtbot.waitSignal(view.gaps.sig_loaded, timeout=5000):
        qtbot.mouseClick(view.gaps.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: coverage_of(view, "Meals for isolated seniors") == "✗ Unmet")

    def resource(org: str, name: str) -> Callable[[ResourceEditor], None]:
        def fill(editor: ResourceEditor) -> None:
            qtbot.keyClicks(editor.name, name)
            editor.organization._choose(org, desk.organizations.get(org).name)
            choose(editor.category, "Food")
            qtbot.keyClicks(editor.area, "County")
        return fill

    from partnerdesk.ui.resource_map import directory

    view.show_tab("directory")
    monkeypatch.setattr(directory.EditorDialog, "exec",
                        fill_and_save(qtbot, resource(food_bank, "Grocery boxes")))
    qtbot.mouseClick(view.directory.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: coverage_of(view, "Meals for isolated seniors") == "◐ Thin")
    monkeypatch.setattr(directory.EditorDialog, "exec",
                        fill_and_save(qtbot, resource(parish, "Parish pantry")))
    qtbot.mouseClick(view.directory.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: coverage_of(view, "Meals for isolated seniors") == "✓ Covered")
    qtbot.waitUntil(lambda: view.directory.model.rowCount() == 2)
    assert desk.resources.count() == 2


def open_network(qtbot: QtBot, desk: Desk) -> ResourceMapView:
    view = ResourceMapView(desk)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    with qtbot.waitSignal(view.network.sig_loaded, timeout=10000):
        view.show_tab("network")
    return view


def drag(view: ResourceMapView, node_id: str, by: QPoint) -> None:
    graphics = view.network.view
    item = view.network.scene.nodes[node_id]
    start = graphics.mapFromScene(item.scenePos())
    end = start + by
    viewport = graphics.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        point = QPointF(start + (end - start) * (step / 5))
        move = QMouseEvent(QEvent.Type.MouseMove, point, viewport.mapToGlobal(point),
                           Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, move)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       end)


def test_a_dragged_node_stays_where_it_was_left(qtbot: QtBot, demo_desk: Desk) -> None:
    parish = next(o.id for o in demo_desk.organizations.list() if o.name == "St. Brigid's Parish")
    view = open_network(qtbot, demo_desk)
    before = view.network.scene.nodes[parish].pos()
    drag(view, parish, QPoint(-60, 40))
    after = view.network.scene.nodes[parish].pos()
    assert (after - before).manhattanLength() > 20
    assert parish in saved_positions(demo_desk)
    view.close()

    again = open_network(qtbot, demo_desk)
    placed = again.network.scene.nodes[parish].pos()
    assert abs(placed.x() - after.x()) < 0.5 and abs(placed.y() - after.y()) < 0.5


def test_clicking_a_node_or_a_link_opens_its_record(qtbot: QtBot, demo_desk: Desk) -> None:
    view = open_network(qtbot, demo_desk)
    hospital = next(o.id for o in demo_desk.organizations.list() if o.is_us is False
                    and o.name == "Mercy General Hospital")
    graphics = view.network.view
    point = graphics.mapFromScene(view.network.scene.nodes[hospital].scenePos())
    with qtbot.waitSignal(view.sig_open_record) as opened:
        qtbot.mouseClick(graphics.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened.args == ["organization", hospital]
    assert hospital not in saved_positions(demo_desk)  # a click is not a drag
    edge = next(e for e in view.network.scene.edges if e.edge.kind == "referral")
    with qtbot.waitSignal(view.sig_open_record) as opened:
        edge.signals.sig_edge_clicked.emit(edge.index)
    assert opened.args[0] == "referral_pathway"
    assert demo_desk.referral_pathways.get(opened.args[1])


def test_filter_by_category_and_export(qtbot: QtBot, demo_desk: Desk, tmp_path: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerdesk.ui.resource_map import network_tab

    view = open_network(qtbot, demo_desk)
    everything = len(view.network.scene.edges)
    with qtbot.waitSignal(view.network.sig_loaded, timeout=10000):
        choose(view.network.category, "Food")
    kinds = {e.edge.kind for e in view.network.scene.edges}
    assert len(view.network.scene.edges) < everything and "referral" in kinds
    assert all(e.edge.category in ("", "Food") for e in view.network.scene.edges)
    for kind in ("png", "svg"):
        target = tmp_path / f"network.{kind}"
        monkeypatch.setattr(network_tab.QFileDialog, "getSaveFileName",
                            lambda *_a, t=target, **_k: (str(t), ""))
        view.network.export(kind)
        assert target.stat().st_size > 1000
    assert "Northside Food Bank" in (tmp_path / "network.svg").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _background_work_finishes(qtbot: QtBot) -> Any:
    """Let background loads land before the widgets are deleted."""
    yield
    from partnerdesk.ui.tasks import wait_until_idle

    wait_until_idle(60_000)  # a hang guard, not a measure of speed
    qtbot.wait(50)
