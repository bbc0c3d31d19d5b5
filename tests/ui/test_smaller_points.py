"""Issue 20, point 9: the smaller things a new user met, each done the way they did it."""

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.reviews import next_review_on
from partnerdesk.services.validation import check_phone
from partnerdesk.ui.main_window import first_size
from partnerdesk.ui.widgets.dates import set_date_format


@pytest.fixture(autouse=True)
def _day_month_year():
    set_date_format("d MMM yyyy")
    yield
    set_date_format("system")


def shown(qtbot: QtBot, widget: QWidget, size: QSize = QSize(820, 900)) -> None:
    widget.resize(size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=5000)


def top_of(widget: QWidget, editor: QWidget) -> int:
    return widget.mapTo(editor, QPoint(0, 0)).y()


def test_the_whole_expiry_message_shows_in_a_narrow_editor(qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.agreement import AgreementEditor

    editor = AgreementEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor, QSize(380, 700))
    editor.load(None)
    qtbot.keyClicks(editor.title, "Pantry MOU")
    editor.effective.set_value(date(2027, 2, 15))
    editor.expiry.set_value(date(2027, 1, 1))
    problem = editor.findChild(QLabel, "problem_expiry_date")
    qtbot.waitUntil(problem.isVisible, timeout=2000)
    qtbot.waitUntil(lambda: problem.height() >= problem.heightForWidth(problem.width()),
                    timeout=2000)
    assert problem.text() == "An agreement cannot expire before it takes effect."
    lines = problem.heightForWidth(problem.width()) // problem.fontMetrics().lineSpacing()
    assert lines >= 2  # it wraps at this width, and every line is shown
    assert problem.visibleRegion().boundingRect().height() >= problem.heightForWidth(
        problem.width()) - 1


def test_the_form_does_not_jump_while_a_name_is_typed(qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.contact import ContactEditor

    desk.contacts.create(name="Jordan Miles")
    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    qtbot.waitUntil(editor.duplicate_hint.isVisible, timeout=2000)  # its line, kept empty
    qtbot.waitUntil(lambda: editor.duplicate_hint.height() > 0, timeout=2000)
    before = top_of(editor.role, editor)
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "Jordan Miles")
    qtbot.waitUntil(lambda: bool(editor.duplicate_hint.matches), timeout=3000)
    qtbot.waitUntil(editor.duplicate_hint.isVisible, timeout=2000)
    assert "Possible duplicate" in editor.duplicate_hint.text()
    QApplication.processEvents()
    assert top_of(editor.role, editor) == before  # the hint had its line already


def test_a_problem_waits_until_the_field_is_left(qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.contact import ContactEditor

    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    qtbot.keyClicks(editor.name, "Ana Ruiz")
    tags_top = top_of(editor.tags, editor)
    editor.last_contacted.setFocus()
    qtbot.keyClicks(editor.last_contacted, "15 F")  # half typed: not a date yet
    problem = editor.findChild(QLabel, "problem_last_contacted")
    qtbot.waitUntil(lambda: editor.last_contacted.problem() != "", timeout=2000)
    editor.revalidate()
    assert problem.isHidden() and top_of(editor.tags, editor) == tags_top
    qtbot.keyClicks(editor.last_contacted, "eb 2026")
    editor.revalidate()
    assert problem.isHidden() and editor.last_contacted.value() == date(2026, 2, 15)
    # left while still not a date: now it is said
    editor.last_contacted.selectAll()
    qtbot.keyClicks(editor.last_contacted, "soon")
    editor.tags.setFocus()
    qtbot.waitUntil(lambda: not problem.isHidden(), timeout=2000)
    assert "not a date" in problem.text()


def test_the_phone_example_is_a_number_the_field_takes(qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.contact import ContactEditor

    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    qtbot.keyClicks(editor.name, "Ana Ruiz")
    field = editor.phones.rows[0][1]
    example = field.placeholderText()
    qtbot.keyClicks(field, example)
    qtbot.waitUntil(editor.is_valid, timeout=2000)
    problem = editor.findChild(QLabel, "problem_phones")
    editor.revalidate()
    assert problem.isHidden(), problem.text()
    assert editor.save()
    assert desk.contacts.list()[0].phones[0]["number"] == "+12025550143"
    assert check_phone("555 123 4567", "US")[1].startswith(
        "“555 123 4567” does not look like a phone number in US")


def test_the_next_review_is_worked_out_from_every_3_months(qtbot: QtBot, desk: Desk) -> None:
    from partnerdesk.ui.editors.partnership import PartnershipEditor

    assert next_review_on(3, last_review=date(2026, 1, 31), started=None,
                          today=date(2026, 6, 1)) == date(2026, 4, 30)
    assert next_review_on(3, last_review=None, started=date(2025, 1, 10),
                          today=date(2026, 6, 1)) == date(2026, 7, 10)
    assert next_review_on(0, last_review=None, started=None, today=date(2026, 6, 1)) is None
    editor = PartnershipEditor(desk)
    qtbot.addWidget(editor)
    shown(qtbot, editor)
    editor.load(None)
    qtbot.keyClicks(editor.title, "Food as Medicine")
    editor.review_every.setFocus()
    started = date.today()  # the editor counts from the day it runs, maybe past midnight
    for _ in range(3):
        qtbot.keyClick(editor.review_every, Qt.Key.Key_Up)
    expected = editor.next_review.value()
    assert expected in {next_review_on(3, last_review=None, started=None, today=day)
                        for day in (started, date.today())}
    assert editor.next_review.text() != ""  # shown before it is saved
    assert editor.save()
    assert desk.partnerships.list()[0].next_review_date == expected
    # a date the person typed is theirs: changing the cadence leaves it
    editor.next_review.set_value(date(2027, 1, 5))
    qtbot.keyClick(editor.review_every, Qt.Key.Key_Up)
    assert editor.next_review.value() == date(2027, 1, 5)


def test_counts_of_one_read_as_one(qtbot: QtBot, desk: Desk, make_window) -> None:
    desk.organizations.create(name="Harbor Food Bank", kind="food_bank")
    window = make_window(desk)
    window.show_view("organizations")
    assert window.view("organizations").count_label.text() == "1 organization"
    assert ("food_bank", "Food bank") in v.ORGANIZATION_KINDS


def test_search_finds_obligations_and_tells_meetings_apart(qtbot: QtBot, desk: Desk,
                                                          make_window) -> None:
    mou = desk.agreements.save({"title": "Pantry MOU"}, None)
    desk.obligations.create(agreement_id=mou.id, description="Deliver 40 produce boxes weekly")
    for day in (3, 10):
        desk.meetings.create(title="Monthly check-in", starts_at=datetime(2026, 3, day, 10))
    assert [h.record_type for h in desk.search("produce boxes")] == ["obligation"]
    window = make_window(desk)
    window.open_search("monthly check")
    texts = sorted(item.text(0) for item in window.search_popup.result_items())
    assert texts == ["Monthly check-in — 10 Mar 2026", "Monthly check-in — 3 Mar 2026"]
    window.open_search("produce")
    [item] = window.search_popup.result_items()
    window.search_popup._open_item(item)
    assert window.current_key() == "agreements"
    assert window.view("agreements").editor.title.text() == "Pantry MOU"


def test_the_window_first_opens_on_most_of_the_screen() -> None:
    assert first_size(QSize(1440, 900)) == QSize(1296, 810)
    assert first_size(QSize(1280, 720)) == QSize(1200, 720)  # never larger than the screen
    assert first_size(QSize(3840, 2160)) == QSize(1800, 1200)


def test_the_migration_indexes_obligations_already_recorded(desk: Desk) -> None:
    from partnerdesk.db import search_index

    mou = desk.agreements.save({"title": "Pantry MOU"}, None)
    desk.obligations.create(agreement_id=mou.id, description="Quarterly outcome report",
                            frequency="quarterly")
    with desk.store.write() as writer:  # as a database from before the index knew them
        writer.session.connection().exec_driver_sql(
            "DELETE FROM search_docs WHERE record_type = 'obligation'")
    assert desk.search("outcome report") == []
    import importlib

    migration = importlib.import_module(
        "partnerdesk.db.migrations.versions.0006_index_obligations")

    class Op:  # the migration asks alembic's op for its connection
        def __init__(self, connection):
            self.connection = connection

        def get_bind(self):
            return self.connection

    with desk.store.write() as writer:
        migration.op = Op(writer.session.connection())
        migration.upgrade()
    assert [h.record_type for h in desk.search("outcome report")] == ["obligation"]
    assert search_index.fold("Quarterly") == "quarterly"


def test_dates_in_reminders_follow_the_format(desk: Desk) -> None:
    desk.settings.date_format = "yyyy-MM-dd"
    verified = date.today() - timedelta(days=800)  # asked once: it may be near midnight
    desk.resources.create(name="Generator", organization_id=desk.organizations.create(
        name="BrightGrid").id, category_id=desk.categories.list()[0].id,
        last_verified=verified)
    [reminder] = [r for r in desk.reminders() if r.kind == "resource_unverified"]
    assert reminder.message == f"Last verified {verified:%Y-%m-%d}."
