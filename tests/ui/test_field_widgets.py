"""One choice combo and one tag field, used by every editor."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from partnerdesk.db import vocabulary as v
from partnerdesk.ui.widgets.choices import ChoiceCombo
from partnerdesk.ui.widgets.tag_edit import TagEdit


def test_every_editor_uses_the_same_tag_field_and_choice_combo(qtbot, desk) -> None:
    from partnerdesk.ui.editors.agreement import AgreementEditor
    from partnerdesk.ui.editors.contact import ContactEditor
    from partnerdesk.ui.editors.organization import OrganizationEditor
    from partnerdesk.ui.editors.partnership import PartnershipEditor

    desk.tags.create(name="food")
    for editor_class, choice in ((ContactEditor, "preferred"), (OrganizationEditor, "kind"),
                                 (PartnershipEditor, "kind"), (AgreementEditor, "status")):
        editor = editor_class(desk)
        qtbot.addWidget(editor)
        editor.load(None)
        assert type(getattr(editor, choice)) is ChoiceCombo
        if hasattr(editor, "tags"):
            assert type(editor.tags) is TagEdit
            assert editor.tags.known() == ["food"]  # completion offers it


def test_a_tag_added_elsewhere_is_offered_when_the_field_gets_the_focus(qtbot, desk) -> None:
    from partnerdesk.ui.editors.contact import ContactEditor

    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    editor.load(None)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    assert editor.tags.known() == []
    desk.tags.create(name="winter 2026")
    editor.tags.setFocus()
    qtbot.waitUntil(lambda: editor.tags.known() == ["winter 2026"])


def test_tags_are_trimmed_and_a_repeat_keeps_its_first_spelling(qtbot) -> None:
    edit = TagEdit(["Food", "volunteers"])
    qtbot.addWidget(edit)
    edit.setText(" food ,  Winter   2026, FOOD,, ")
    assert edit.value() == ["food", "Winter 2026"]
    edit.set_value(["a", "b"])
    assert edit.text() == "a, b"


def test_typing_completes_the_last_tag(qtbot) -> None:
    edit = TagEdit(["volunteers", "food"])
    qtbot.addWidget(edit)
    edit.show()
    qtbot.keyClicks(edit, "food, vol")
    completer = edit.completion
    assert completer.currentCompletion() == "volunteers"
    completer.activated[str].emit("volunteers")
    assert edit.value() == ["food", "volunteers"]
    qtbot.keyClick(edit, Qt.Key.Key_Escape)


def test_a_choice_from_elsewhere_is_kept_and_a_choice_no_longer_offered_goes(qtbot) -> None:
    combo = ChoiceCombo(v.AGREEMENT_STATUSES)
    qtbot.addWidget(combo)
    combo.set_value("from-a-newer-version")
    assert combo.value() == "from-a-newer-version"  # kept, not lost
    combo.set_choices((("draft", "Draft"), ("active", "Active")))
    assert combo.value() == "draft"  # no longer offered: the first choice
    assert [combo.itemData(i) for i in range(combo.count())] == ["draft", "active"]
    combo.set_value("active")
    combo.set_choices((("active", "Active"), ("expired", "Expired")))
    assert combo.value() == "active"  # still offered: kept


def test_a_picked_name_longer_than_its_field_shows_from_its_first_letter(qtbot, desk) -> None:
    from partnerdesk.ui.widgets.pickers import RecordPicker
    from tests.ui.editor_helpers import pick

    ship = desk.partnerships.create(title="Backup Power for Cooling Centres and Shelters")
    picker = RecordPicker(desk, "partnership")
    qtbot.addWidget(picker)
    picker.resize(120, picker.sizeHint().height())
    picker.show()
    picker.set_value(ship.id)  # an editor loading the record
    assert picker.line_edit.text() == ship.title
    assert picker.line_edit.cursorPosition() == 0  # the start shows, the end is cut
    picker.set_value(None)
    pick(qtbot, picker, "Backup")  # a person choosing it
    assert picker.value() == ship.id and picker.line_edit.cursorPosition() == 0


def test_a_long_title_loaded_in_an_editor_shows_from_its_first_letter(qtbot, desk) -> None:
    from datetime import datetime

    from partnerdesk.ui.editors.meeting import MeetingEditor

    meeting = desk.meetings.create(
        title="Faith Community Health Navigators: monthly check-in with the parish nurses",
        starts_at=datetime(2026, 12, 1, 13, 0))
    editor = MeetingEditor(desk)
    qtbot.addWidget(editor)
    editor.resize(360, 600)
    editor.show()
    editor.load(meeting.id)
    assert editor.title.text() == meeting.title
    assert editor.title.cursorPosition() == 0
