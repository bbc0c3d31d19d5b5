"""Recording a partnership review and seeing it charted."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui import review_editor
from partnerdesk.ui.review_editor import ReviewDialog, ReviewsPanel


def test_record_a_review_and_see_it_charted(qtbot: QtBot, desk: Desk,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ship = desk.partnerships.create(title="Food as Medicine", review_every_months=6).id
    panel = ReviewsPanel(desk, ship)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.chart.is_empty()
    assert panel.latest.text() == "No review recorded yet."

    def exec_(dialog: ReviewDialog) -> int:
        dialog.show()
        editor = dialog.editor
        editor.reviewed_on.set_value(date(2026, 6, 10))
        assert not dialog.save_button.isEnabled()  # nothing scored yet
        editor.scores["trust"].setCurrentIndex(editor.scores["trust"].findData(4))
        editor.scores["communication"].setCurrentIndex(
            editor.scores["communication"].findData(2))
        qtbot.keyClicks(editor.comments["communication"], "Slow replies")
        qtbot.keyClicks(editor.next_steps, "Agree a reply time")
        qtbot.waitUntil(dialog.save_button.isEnabled)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(review_editor.ReviewDialog, "exec", exec_)
    with qtbot.waitSignal(panel.sig_changed):
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)

    assert not panel.chart.is_empty()
    assert "3" in panel.chart.accessibleDescription()  # the average of 4 and 2
    panel.element.setCurrentIndex(panel.element.findData("communication"))
    assert "Communication" in panel.chart.accessibleDescription()
    assert "2" in panel.chart.accessibleDescription()
    assert panel.reviews.count() == 1
    assert "Communication (2)" in panel.latest.text()
    review = desk.reviews.list(where={"partnership_id": ship})[0]
    assert review.scores["communication"] == {"score": 2, "comment": "Slow replies"}
    assert [a.description for a in desk.action_items.list()] == ["Agree a reply time"]
    assert desk.partnerships.get(ship).next_review_date == date(2026, 12, 10)
    image = panel.chart.render_image(360, 180)
    assert not image.isNull()


def test_the_panel_shows_the_sample_reviews(qtbot: QtBot, demo_desk: Desk) -> None:
    ship = next(p.id for p in demo_desk.partnerships.list() if p.title == "Food as Medicine")
    panel = ReviewsPanel(demo_desk, ship)
    qtbot.addWidget(panel)
    assert panel.reviews.count() == 2
    assert not panel.chart.is_empty()
