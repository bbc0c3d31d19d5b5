"""Events and feedback driven like a person would: open the screen, Ctrl+N, type, save,
then check what the database and the screen hold."""

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui.editors.event import EventEditor
from partnerdesk.ui.editors.feedback import FeedbackEditor
from partnerdesk.ui.resource_map.editors import ResourceEditor
from partnerdesk.ui.review_editor import ReviewEditor
from partnerdesk.ui.widgets.dates import set_date_format
from tests.conftest import TODAY
from tests.ui.editor_helpers import pick


def ctrl_n(qtbot: QtBot, window: object) -> None:
    qtbot.keySequence(QApplication.focusWidget() or window, QKeySequence.StandardKey.New)


def setup_world(desk: Desk) -> dict[str, str]:
    parish = desk.organizations.create(name="St. Brigid's Parish")
    desk.organizations.create(name="Riverside Family Clinic")
    ship = desk.partnerships.create(title="Health Navigators")
    hall = desk.resources.create(name="Parish hall", organization_id=parish.id,
                                 category_id=desk.categories.list()[0].id)
    desk.contacts.create(name="Jose Nunez", role="Programs Coordinator")
    return {"parish": parish.id, "ship": ship.id, "hall": hall.id}


def test_new_event_from_the_events_screen(qtbot: QtBot, desk: Desk, make_window) -> None:
    world = setup_world(desk)
    window = make_window(desk)
    assert window.show_view("events")
    events = window.view("events")
    events.table.setFocus()
    ctrl_n(qtbot, window)
    editor: EventEditor = events.editor
    assert events.pane.is_showing() and editor.record_id is None
    qtbot.keyClicks(editor.title, "Spring health fair")
    editor.kind.set_value("fair")
    editor.day.set_value(date(2026, 5, 2))
    editor.starts.setTime(QTime(10, 0))
    editor.ends.setTime(QTime(15, 0))
    editor.time_zone.setEditText("")
    qtbot.keyClicks(editor.time_zone.lineEdit(), "America/Chicago")
    qtbot.keyClicks(editor.place, "Parish hall")
    pick(qtbot, editor.partnership, "Health")
    pick(qtbot, editor.organization, "St. Brigid")
    qtbot.mouseClick(editor.organizations_section.add_button, Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentIndex(1)
    editor.people_reached.setValue(175)
    editor.attendance_category.setEditText("Adults")
    editor.attendance_count.setValue(140)
    qtbot.mouseClick(editor.attendance_section.add_button, Qt.MouseButton.LeftButton)
    editor.attendance_category.setEditText("adults")
    editor.attendance_count.setValue(3)
    qtbot.mouseClick(editor.attendance_section.add_button, Qt.MouseButton.LeftButton)
    assert "already counted" in editor.attendance_section.problem.text()
    editor.attendance_category.setEditText("Children")
    editor.attendance_count.setValue(35)
    qtbot.mouseClick(editor.attendance_section.add_button, Qt.MouseButton.LeftButton)
    pick(qtbot, editor.resource, "Parish")
    qtbot.keyClicks(editor.resource_note, "all afternoon")
    qtbot.mouseClick(editor.resources_section.add_button, Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentIndex(2)
    qtbot.keyClicks(editor.action_what, "Send thank-you notes")
    pick(qtbot, editor.action_owner, "Jose")
    qtbot.mouseClick(editor.actions_section.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: events.pane.save_button.isEnabled())
    window.save_action.trigger()

    [event] = desk.events.list()
    assert (event.title, event.kind, event.place, event.people_reached) == \
        ("Spring health fair", "fair", "Parish hall", 175)
    assert event.starts_at == datetime(2026, 5, 2, 10) and event.time_zone == "America/Chicago"
    assert event.ends_at == datetime(2026, 5, 2, 15)
    assert desk.events.partnership_ids(event.id) == [world["ship"]]
    assert [(o.organization_id, o.role) for o in
            desk.event_organizations.list(where={"event_id": event.id})] == \
        [(world["parish"], "host")]
    assert {(a.category, a.count) for a in
            desk.event_attendance.list(where={"event_id": event.id})} == \
        {("Adults", 140), ("Children", 35)}
    [use] = desk.events.uses_of_resource(world["hall"])
    assert use.note == "all afternoon"
    [item] = desk.action_items.list(where={"event_id": event.id})
    assert item.partnership_id == world["ship"]
    assert not editor.is_dirty()
    # the list shows it, with its zone's city (another zone than this computer's)
    assert events.model.rowCount() == 1
    when = events.model.index(0, 2).data()
    from partnerdesk.ui.widgets.dates import show_date

    assert when.startswith(f"{show_date(date(2026, 5, 2))} 10:00") and "(Chicago)" in when
    assert events.model.index(0, 5).data() == "Health Navigators"
    assert events.pane.title.text() == "Spring health fair"

    # the resource's page shows where it was used, and opens the event
    resource_editor = ResourceEditor(desk)
    qtbot.addWidget(resource_editor)
    resource_editor.load(world["hall"])
    assert resource_editor.used_at.targets() == [("event", event.id)]
    assert resource_editor.used_at.item(0).text().startswith(
        f"{show_date(date(2026, 5, 2))} — Spring health fair")
    set_date_format("yyyy-MM-dd")  # the day in the format of Preferences
    try:
        resource_editor.load(world["hall"])
        assert resource_editor.used_at.item(0).text().startswith("2026-05-02 — ")
    finally:
        set_date_format("system")


def test_an_event_without_title_cannot_be_saved(qtbot: QtBot, desk: Desk, make_window) -> None:
    window = make_window(desk)
    window.show_view("events")
    events = window.view("events")
    events.new_record()
    editor: EventEditor = events.editor
    qtbot.keyClicks(editor.place, "Somewhere")
    problem = editor.findChild(QLabel, "problem_title")
    qtbot.waitUntil(problem.isVisible)
    assert not events.pane.save_button.isEnabled()
    window.save_action.trigger()
    assert desk.events.count() == 0
    editor.time_zone.setEditText("Nowhere/Else")
    qtbot.keyClicks(editor.title, "Workshop")
    zone_problem = editor.findChild(QLabel, "problem_time_zone")
    qtbot.waitUntil(zone_problem.isVisible)
    assert "not a time zone" in zone_problem.text()


def test_new_feedback_with_survey_totals(qtbot: QtBot, desk: Desk, make_window,
                                         tmp_path: Path) -> None:
    world = setup_world(desk)
    review = desk.reviews.record(world["ship"], reviewed_on=date(2026, 5, 1),
                                 scores={"trust": 4})
    window = make_window(desk)
    assert window.show_view("feedback")
    screen = window.view("feedback")
    screen.table.setFocus()
    ctrl_n(qtbot, window)
    editor: FeedbackEditor = screen.editor
    qtbot.keyClicks(editor.title, "Health fair comment cards")
    pick(qtbot, editor.partnership, "Health")
    editor.source.set_value("community")
    editor.channel.set_value("survey")
    editor.sentiment.set_value("positive")
    editor.received_on.set_value(date(2026, 5, 3))
    qtbot.keyClicks(editor.themes, "screening, health fair")
    assert editor.review.count() == 2  # None, and the partnership's one review
    editor.review.setCurrentIndex(editor.review.findData(review.id))
    editor.respondents.setValue(136)
    editor.summary.setFocus()
    qtbot.keyClicks(editor.summary, "Visitors asked for a second fair.")
    editor.tabs.setCurrentIndex(1)
    editor.result_question.setEditText("Would you come again?")
    qtbot.keyClicks(editor.result_answer, "Yes")
    editor.result_count.setValue(112)
    qtbot.keyClick(editor.result_answer, Qt.Key.Key_Return)
    assert editor.results.rowCount() == 1
    csv = tmp_path / "totals.csv"
    csv.write_text("question,answer,count\nWould you come again?,Maybe,20\n,No,4\n")
    assert editor.add_totals_from(str(csv)) == 2
    bad = tmp_path / "people.csv"
    bad.write_text("name,question,answer\nAda,Would you come again?,Yes\n")
    assert editor.add_totals_from(str(bad)) == 0
    assert "one row per person" in editor.results_section.problem.text()
    assert editor.results.rowCount() == 3 and desk.survey_results.count() == 0
    qtbot.waitUntil(lambda: screen.pane.save_button.isEnabled())
    qtbot.mouseClick(screen.pane.save_button, Qt.MouseButton.LeftButton)

    [saved] = desk.feedback.list()
    assert (saved.title, saved.source, saved.channel, saved.sentiment, saved.respondents) == \
        ("Health fair comment cards", "community", "survey", "positive", 136)
    assert saved.partnership_id == world["ship"] and saved.review_id == review.id
    assert saved.tags == ["screening", "health fair"]
    assert saved.summary == "Visitors asked for a second fair."
    [question] = desk.feedback.results(saved.id)
    assert [(a.answer, a.count) for a in question.answers] == \
        [("Yes", 112), ("Maybe", 20), ("No", 4)]
    assert screen.model.rowCount() == 1
    assert screen.model.index(0, 5).data() == "screening, health fair"

    # the health review of the partnership shows it beside the elements
    review_editor = ReviewEditor(desk, world["ship"])
    qtbot.addWidget(review_editor)
    review_editor.load(None)
    review_editor.reviewed_on.set_value(date(2026, 6, 1))
    texts = [review_editor.evidence.lines.item(i).text()
             for i in range(review_editor.evidence.lines.count())]
    assert len(texts) == 1 and texts[0].startswith("Health fair comment cards")
    assert "1 May 2026" in review_editor.evidence.since.text()
    assert "3 May 2026" in texts[0]
    assert "Yes 112" in review_editor.evidence.lines.item(0).toolTip()
    # in the date format of Preferences, as everywhere else
    set_date_format("yyyy-MM-dd")
    try:
        review_editor.reviewed_on.set_value(date(2026, 6, 2))
        assert "2026-05-01" in review_editor.evidence.since.text()
        assert "2026-05-03" in review_editor.evidence.lines.item(0).text()
    finally:
        set_date_format("system")


def test_dashboard_lists_upcoming_events(qtbot: QtBot, demo_desk: Desk, make_window) -> None:
    window = make_window(demo_desk, today=TODAY)
    window.show_view("dashboard")
    dashboard = window.view("dashboard")
    upcoming = dashboard.upcoming.events
    coming = demo_desk.events.upcoming(TODAY)
    assert coming and upcoming.targets() == [("event", line.id) for line in coming]
    # each is its title over when and where, and the list never scrolls sideways
    window.resize(1280, 800)
    QApplication.processEvents()
    assert upcoming.item(0).text().split("\n")[0] == coming[0].title
    assert not upcoming.horizontalScrollBar().isVisible()
    assert upcoming.alternatingRowColors()  # each event on its own shade, as reminders are
    upcoming.setCurrentRow(0)
    upcoming.itemActivated.emit(upcoming.item(0))
    assert window.current_key() == "events"
    assert window.view("events").current_id() == coming[0].id
    # and "Your records" counts them, and the feedback, beside the other kinds
    for key, service in (("events", demo_desk.events), ("feedback", demo_desk.feedback)):
        assert dashboard.count_labels[key].text() == f"{service.count():,}"


def test_dates_and_times_in_the_lists_are_never_cut_to_share_the_width(
        qtbot: QtBot, demo_desk: Desk, make_window) -> None:
    """The When of an event, the day feedback came, a funding's status and deadline stay
    whole at the usual window size; titles and places give way (their full text is a
    tooltip)."""
    window = make_window(demo_desk, today=TODAY)
    window.resize(1280, 800)
    for key, title in (("events", "When"), ("feedback", "Received"), ("funding", "Deadline"),
                       ("funding", "Status"), ("meetings", "When")):
        window.show_view(key)
        view = window.view(key)
        QApplication.processEvents()
        view.column_fitter.fit()
        column = [view.model.headerData(c, Qt.Orientation.Horizontal)
                  for c in range(view.model.columnCount())].index(title)
        metrics = view.table.fontMetrics()
        widest = max(metrics.horizontalAdvance(view.model.index(r, column).data() or "")
                     for r in range(view.model.rowCount()))
        needed = max(widest + 8, view.table.sizeHintForColumn(column))  # a label's padding
        assert view.table.columnWidth(column) >= needed, (key, title)
        assert view.table.columnWidth(0) >= 56  # the title still shows its first words
