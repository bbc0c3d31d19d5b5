"""The features other screens provide, reachable where a person looks for them."""


from partnerdesk.services import Desk
from partnerdesk.ui.editors.contact import ContactEditor
from partnerdesk.ui.editors.organization import OrganizationEditor
from partnerdesk.ui.editors.partnership import PartnershipEditor


def test_typing_a_contact_who_exists_shows_a_possible_duplicate(qtbot, desk: Desk) -> None:
    existing = desk.contacts.create(name="Jordan Miles")
    editor = ContactEditor(desk)
    qtbot.addWidget(editor)
    editor.load(None)
    editor.show()
    qtbot.keyClicks(editor.name, "Jordan Miles")
    qtbot.waitUntil(lambda: bool(editor.duplicate_hint.matches), timeout=3000)
    assert "Jordan Miles" in editor.duplicate_hint.text()
    with qtbot.waitSignal(editor.sig_open_record) as opened:
        editor.duplicate_hint.linkActivated.emit(existing.id)
    assert opened.args == ["contact", existing.id]
    assert editor.save()  # a hint, never a block
    assert desk.contacts.count() == 2


def test_an_organization_name_close_to_an_existing_one_is_hinted(qtbot, desk: Desk) -> None:
    desk.organizations.create(name="Mercy General Hospital")
    editor = OrganizationEditor(desk)
    qtbot.addWidget(editor)
    editor.load(None)
    editor.show()
    qtbot.keyClicks(editor.name, "Mercy General Hospitl")
    qtbot.waitUntil(lambda: bool(editor.duplicate_hint.matches), timeout=3000)
    editor.load(None)
    assert editor.duplicate_hint.text() == ""  # a fresh form: the hint's line is empty


def test_partnership_editor_shows_its_health_reviews(qtbot, demo_desk: Desk) -> None:
    food = demo_desk.partnerships.list(text="food as medicine")[0]
    editor = PartnershipEditor(demo_desk)
    qtbot.addWidget(editor)
    editor.load(food.id)
    titles = [editor.tabs.tabText(i) for i in range(editor.tabs.count())]
    assert "Health reviews" in titles
    editor.tabs.setCurrentIndex(titles.index("Health reviews"))
    assert editor.reviews_panel.reviews.count() == 2
    assert editor.reviews_panel.add_button.isEnabled()
    editor.load(None)
    assert editor.reviews_panel.reviews.count() == 0
    assert not editor.reviews_panel.add_button.isEnabled()


def test_file_menu_opens_the_backups_window(qtbot, desk: Desk, make_window,
                                            monkeypatch) -> None:
    from partnerdesk.ui import backups_window

    shown: list[object] = []
    monkeypatch.setattr(backups_window.BackupsWindow, "exec",
                        lambda self: shown.append(self) or 0)
    window = make_window(desk)
    assert window.backups_action.isEnabled()
    window.backups_action.trigger()
    assert len(shown) == 1 and shown[0].parent() is window
