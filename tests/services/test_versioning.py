"""Local changes keep the stamps SHARING.md's merge relies on."""

from partnerdesk.services import versioning as v


def test_same_state_gives_same_revision() -> None:
    a = v.local_create({"name": "Zoë", "phones": ["+15551234567"]}, 3, "dev-a")
    b = v.local_create({"phones": ["+15551234567"], "name": "Zoë"}, 3, "dev-a")
    assert a.rev() == b.rev()
    assert v.local_edit(a, {"name": "Zoe"}, 4, "dev-a").rev() != a.rev()


def test_edit_stamps_only_the_changed_fields() -> None:
    state = v.local_create({"name": "A", "role": "x"}, 1, "dev-a")
    edited = v.local_edit(state, {"role": "y"}, 5, "dev-b")
    assert edited.stamps["name"] == [1, "dev-a"]
    assert edited.stamps["role"] == [5, "dev-b", {"dev-a": 1}]  # it had seen a's value
    assert edited.vv == {"dev-a": 1, "dev-b": 5}
    assert state.values["role"] == "x"  # the old state is not changed


def test_delete_covers_every_stamp_and_restore_outlives_it() -> None:
    state = v.local_create({"name": "A"}, 1, "dev-a")
    deleted = v.local_delete(state, 2, "dev-a")
    assert deleted.deleted
    assert deleted.delete_ctx == {"dev-a": 2}
    restored = v.local_restore(deleted, 3, "dev-a")
    assert not restored.deleted
    assert restored.stamps[v.ALIVE] == [3, "dev-a", {"dev-a": 2}]  # it saw the deletion


def test_an_edit_the_deletion_did_not_see_keeps_the_record_alive() -> None:
    state = v.local_create({"name": "A"}, 1, "dev-a")
    deleted = v.local_delete(state, 2, "dev-a")
    # another laptop's edit with a stamp the deleting laptop had not seen
    deleted.stamps["name"] = [2, "dev-b"]
    assert not v.is_deleted(deleted.stamps, deleted.delete_ctx)


def test_bulk_revision_shortcut_matches_the_canonical_one() -> None:
    from datetime import date

    state = v.local_create({"name": "Zoë", "due": date(2026, 1, 2), "tags": ["a"]}, 7, "dev")
    shortcut = v.rev_from_parts(state.values, v.canonical_json(state.stamps),
                                v.canonical_json(state.vv), "{}")
    assert shortcut == state.rev()
