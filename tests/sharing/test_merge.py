"""The merge function's laws and rules (SHARING.md properties 1–5), on plain states."""

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdesk.services import versioning as v
from partnerdesk.sharing.merge import DELETED_FIELD, merge, merge_states, same_json, states_equal

DEVICES = ["dev-a", "dev-b", "dev-c"]
FIELDS = ["name", "phone", "email"]


@st.composite
def states(draw: st.DrawFn) -> v.VersionState:
    """Arbitrary states of one record: random stamps, values, vectors, deletions."""
    values, stamps = {}, {}
    for name in [*FIELDS, v.ALIVE]:
        if draw(st.booleans()):
            stamps[name] = [draw(st.integers(1, 6)), draw(st.sampled_from(DEVICES))]
            if draw(st.booleans()):  # a write's context: what its writer had seen
                stamps[name].append({d: draw(st.integers(1, 6)) for d in DEVICES
                                     if draw(st.booleans())} or {"dev-a": 1})
            if name != v.ALIVE:
                values[name] = draw(st.sampled_from(["x", "y", "z", None]))
    vv = {d: draw(st.integers(0, 6)) for d in DEVICES if draw(st.booleans())}
    delete_ctx = ({d: draw(st.integers(0, 6)) for d in DEVICES if draw(st.booleans())}
                  if draw(st.booleans()) else {})
    return v.VersionState(values, stamps, vv, delete_ctx)


@settings(max_examples=300, deadline=None)
@given(states(), states())
def test_merge_is_commutative(a: v.VersionState, b: v.VersionState) -> None:
    assert states_equal(merge_states(a, b), merge_states(b, a))
    assert merge_states(a, b).rev() == merge_states(b, a).rev()


@settings(max_examples=300, deadline=None)
@given(states(), states(), states())
def test_merge_is_associative(a: v.VersionState, b: v.VersionState, c: v.VersionState) -> None:
    left = merge_states(merge_states(a, b), c)
    right = merge_states(a, merge_states(b, c))
    assert states_equal(left, right)
    assert left.deleted == right.deleted


@settings(max_examples=200, deadline=None)
@given(states(), states())
def test_merge_is_idempotent(a: v.VersionState, b: v.VersionState) -> None:
    assert states_equal(merge_states(a, a), a)
    once = merge_states(a, b)
    assert states_equal(merge_states(once, b), once)
    assert merge(once, b).conflicts == []


def test_field_level_changes_both_survive() -> None:
    base = v.local_create({"name": "Ana", "phone": "1", "email": "a@x.org"}, 1, "dev-a")
    on_a = v.local_edit(base, {"phone": "2"}, 2, "dev-a")
    on_b = v.local_edit(base, {"email": "b@x.org"}, 2, "dev-b")
    for merged in (merge(on_a, on_b), merge(on_b, on_a)):
        assert merged.state.values == {"name": "Ana", "phone": "2", "email": "b@x.org"}
        assert merged.conflicts == []


def test_same_field_one_winner_everywhere_and_the_clash_listed_on_both() -> None:
    base = v.local_create({"name": "Ana"}, 1, "dev-a")
    on_a = v.local_edit(base, {"name": "Anna"}, 2, "dev-a")
    on_b = v.local_edit(base, {"name": "Ana María"}, 2, "dev-b")
    at_a, at_b = merge(on_a, on_b), merge(on_b, on_a)
    assert at_a.state.values["name"] == at_b.state.values["name"] == "Ana María"  # dev-b > dev-a
    # a lost its value; b kept its own over a's: each importing laptop lists the clash
    for at in (at_a, at_b):
        assert [(c.field, c.lost_value, c.won_value) for c in at.conflicts] == [
            ("name", "Anna", "Ana María")]


def test_a_relayed_clash_is_listed_where_the_losing_value_was_typed() -> None:
    """A and C set the same field; B merges both; A imports B: A lists its loss, though
    B's version vector covers A's write (SHARING.md, the relay)."""
    base = v.local_create({"notes": ""}, 1, "dev-a")
    on_a = v.local_edit(base, {"notes": "from A"}, 2, "dev-a")
    on_c = v.local_edit(base, {"notes": "from C"}, 9, "dev-c")  # C made more changes
    on_b = merge(merge_states(base, on_c), on_a)
    assert [c.lost_value for c in on_b.conflicts] == ["from A"]  # B, the importer
    at_a = merge(on_a, on_b.state)
    assert at_a.state.values["notes"] == "from C"
    assert [(c.field, c.lost_value) for c in at_a.conflicts] == [("notes", "from A")]
    # C imports B: B's state holds C's own value only, so there is nothing new for C
    assert merge(on_c, on_b.state).conflicts == []


def test_the_round_trip_lists_the_loss_on_the_laptop_that_typed_it() -> None:
    """A (ahead by many changes) and B clash; A imports B's (A's value wins, A lists the
    clash), then B imports A's: B lists its loss though A's vector covers B's write."""
    base = v.local_create({"notes": ""}, 1, "dev-a")
    on_a = v.local_edit(base, {"notes": "A's"}, 40, "dev-a")
    on_b = v.local_edit(base, {"notes": "B's"}, 2, "dev-b")
    at_a = merge(on_a, on_b)
    assert at_a.state.values["notes"] == "A's"
    assert [(c.lost_value, c.won_value) for c in at_a.conflicts] == [("B's", "A's")]
    at_b = merge(on_b, at_a.state)
    assert at_b.state.values["notes"] == "A's"
    assert [(c.lost_value, c.won_value) for c in at_b.conflicts] == [("B's", "A's")]


def test_a_value_listed_in_conflicts_counts_as_seen() -> None:
    """B listed A's lost value; a later edit on B has seen it: no clash on A."""
    base = v.local_create({"notes": ""}, 1, "dev-a")
    on_a = v.local_edit(base, {"notes": "A's"}, 2, "dev-a")
    on_b = v.local_edit(base, {"notes": "B's"}, 3, "dev-b")
    at_b = merge(on_b, on_a)
    listed = {"notes": [s for c in at_b.conflicts for s in (c.lost_stamp, c.won_stamp)]}
    again = v.local_edit(at_b.state, {"notes": "Both"}, 4, "dev-b", listed)
    assert merge(on_a, again).conflicts == []
    # without the list, B's vector alone would not do: a third laptop's edit made from
    # a merged state that never showed A's value is still a clash on A
    third = v.local_edit(at_b.state, {"notes": "C's"}, 5, "dev-c")
    assert [c.lost_value for c in merge(on_a, third).conflicts] == ["A's"]


def test_a_relayed_deletion_lost_to_an_edit_is_listed_where_it_was_made() -> None:
    base = v.local_create({"name": "Ana", "notes": ""}, 1, "dev-a")
    deleted_on_a = v.local_delete(base, 2, "dev-a")
    edited_on_c = v.local_edit(base, {"notes": "still here"}, 7, "dev-c")
    on_b = merge(merge_states(base, edited_on_c), deleted_on_a)
    assert not on_b.state.deleted
    assert [c.field for c in on_b.conflicts] == [DELETED_FIELD]
    at_a = merge(deleted_on_a, on_b.state)
    assert not at_a.state.deleted
    assert [c.field for c in at_a.conflicts] == [DELETED_FIELD]


def test_a_later_edit_that_saw_the_other_is_not_a_conflict() -> None:
    base = v.local_create({"name": "Ana"}, 1, "dev-a")
    on_b = v.local_edit(base, {"name": "Anna"}, 2, "dev-b")
    seen_by_a = merge_states(base, on_b)
    on_a = v.local_edit(seen_by_a, {"name": "Ann"}, 3, "dev-a")
    result = merge(on_b, on_a)
    assert result.state.values["name"] == "Ann"
    assert result.conflicts == []


def test_edit_beats_a_concurrent_delete_and_the_loss_is_listed() -> None:
    base = v.local_create({"name": "Ana", "phone": "1"}, 1, "dev-a")
    deleted_on_a = v.local_delete(base, 2, "dev-a")
    edited_on_b = v.local_edit(base, {"phone": "2"}, 2, "dev-b")
    for merged in (merge_states(deleted_on_a, edited_on_b),
                   merge_states(edited_on_b, deleted_on_a)):
        assert not merged.deleted
        assert merged.values["phone"] == "2"
    listed = merge(deleted_on_a, edited_on_b).conflicts
    assert [c.field for c in listed] == [DELETED_FIELD]
    # and on the laptop that edited: "kept your edit over a colleague's deletion"
    assert [c.field for c in merge(edited_on_b, deleted_on_a).conflicts] == [DELETED_FIELD]


def test_a_delete_after_seeing_every_edit_stays_deleted() -> None:
    base = v.local_create({"name": "Ana", "phone": "1"}, 1, "dev-a")
    edited_on_b = v.local_edit(base, {"phone": "2"}, 2, "dev-b")
    seen = merge_states(base, edited_on_b)
    deleted = v.local_delete(seen, 3, "dev-a")
    assert merge_states(edited_on_b, deleted).deleted
    assert merge_states(deleted, edited_on_b).deleted


def test_a_restore_is_not_wiped_by_the_old_deletion_arriving_late() -> None:
    base = v.local_create({"name": "Ana"}, 1, "dev-a")
    deleted_on_a = v.local_delete(base, 2, "dev-a")
    # b received the deletion, then restored the record
    restored_on_b = v.local_restore(merge_states(base, deleted_on_a), 3, "dev-b")
    assert not restored_on_b.deleted
    # c still has the old deleted state and sends it again, late
    for merged in (merge_states(restored_on_b, deleted_on_a),
                   merge_states(deleted_on_a, restored_on_b)):
        assert not merged.deleted
    assert merge(restored_on_b, deleted_on_a).conflicts == []


def test_a_field_left_out_loses_to_a_stamped_value() -> None:
    ours = v.local_create({"name": "Ana", "internal_notes": "private"}, 1, "dev-a")
    partner = v.VersionState({"name": "Ana"}, {"name": [1, "dev-a"]}, {"dev-a": 1}, {})
    partner = v.local_edit(partner, {"name": "Ana B."}, 2, "dev-p")
    partner.values["internal_notes"] = ""  # the partner's column default, never stamped
    merged = merge_states(ours, partner)
    assert merged.values == {"name": "Ana B.", "internal_notes": "private"}


# Values of the kinds records hold, including the ones whose JSON equality differs from
# Python's (1 == 1.0 == True, a date and its ISO text, -0.0 and 0.0).
_leaves = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(
    [0.0, -0.0, 1.0, 2.5, "", "x", "1", "2026-01-02", date(2026, 1, 2),
     datetime(2026, 1, 2, 3, 4)]))
_json_values = st.recursive(_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b", "1"]), inner,
                                                 max_size=3)), max_leaves=8)


@settings(max_examples=500, deadline=None)
@given(_json_values, _json_values)
def test_same_json_is_equality_of_canonical_json(a: object, b: object) -> None:
    """The merge's quick comparison says "same" exactly when the revisions' JSON does."""
    expected = v.canonical_json(v.jsonable(a)) == v.canonical_json(v.jsonable(b))
    assert same_json(a, b) is expected
    assert same_json(a, a)


@st.composite
def _tied_states(draw: st.DrawFn) -> v.VersionState:
    """States whose stamps often tie on `(counter, device)`, values unstamped or left out."""
    values, stamps = {}, {}
    for name in FIELDS:
        if draw(st.booleans()):
            stamps[name] = [draw(st.integers(1, 2)), draw(st.sampled_from(DEVICES[:2]))]
            if draw(st.booleans()):
                stamps[name].append({"dev-a": draw(st.integers(1, 2))})
        if draw(st.booleans()):
            values[name] = draw(_json_values)
    return v.VersionState(values, stamps, {}, {})


def _reference_key(state: v.VersionState, name: str) -> tuple[int, str, str, str] | None:
    """SHARING.md's order on one field's writes, spelled out: `(counter, device)`, then the
    value and the write's context as canonical JSON (None: the state does not hold it)."""
    stamp = state.stamps.get(name)
    if name not in state.values and stamp is None:
        return None
    value = v.canonical_json(v.jsonable(state.values.get(name)))
    if stamp is None:
        return (-1, "", value, "")
    return (int(stamp[0]), str(stamp[1]), value, v.canonical_json(v.context_of(stamp)))


@settings(max_examples=500, deadline=None)
@given(_tied_states(), _tied_states())
def test_each_field_keeps_the_write_with_the_larger_key(a: v.VersionState,
                                                        b: v.VersionState) -> None:
    """The merge compares stamps first and values only on a tie; it keeps what the full
    order keeps, field by field."""
    merged = merge_states(a, b)
    for name in FIELDS:
        ka, kb = _reference_key(a, name), _reference_key(b, name)
        if ka is None and kb is None:
            assert name not in merged.values and name not in merged.stamps
            continue
        winner = b if ka is None or (kb is not None and kb > ka) else a
        assert merged.values.get(name, "absent") == winner.values.get(name, "absent")
        assert merged.stamps.get(name) == winner.stamps.get(name)
