"""A re-import reads the lines that are states this laptop holds without parsing them
(`limits.held_id`): it must give exactly the answers of reading every line in full.

A held line is counted as unchanged; anything else (another layout, a change under the
old revision, a record changed here after the bundle was read) goes the full way. The
export streams lines made from the driver's plain values (`rows.stream_lines`): they
must be the lines the typed rows give.
"""

import json
from datetime import date
from pathlib import Path

from sqlalchemy import text

from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.services.progress import Progress
from partnerdesk.services.versioning import canonical_json
from partnerdesk.sharing import limits
from partnerdesk.sharing.bundle import line_text
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_bundle, import_file, preview_bundle, read_for_import
from partnerdesk.sharing.merge import tombstone
from partnerdesk.sharing.rows import line_of, read_rows, references, state_of, stream_lines
from partnerdesk.sharing.undo import undo_import
from tests.sharing.test_hostile import Laptops, members, rebuild, refused


def _relaid(found: dict[str, bytes], record_type: str, encode: object) -> dict[str, bytes]:
    name = f"records/{record_type}.jsonl"
    lines = [json.loads(raw) for raw in found[name].decode().splitlines()]
    found[name] = "".join(encode(line) + "\n" for line in lines).encode()  # type: ignore[operator]
    return found


def test_a_re_import_holds_every_line_and_answers_as_a_full_read(laptops: Laptops,
                                                                 good: Path) -> None:
    target = laptops("target")
    import_file(target, good)
    fast = read_for_import(target, good)
    full = limits.read_file(good)
    assert sum(len(ids) for ids in fast.held.values()) == full.record_count() - len(
        full.records.get("attachment", []))
    assert fast.record_types() == full.record_types()
    assert fast.record_count() == full.record_count()
    assert preview_bundle(target, fast).counts() == preview_bundle(target, full).counts()
    before = target.contacts.list()
    counts = import_bundle(target, fast).preview.counts()
    assert counts["unchanged"] == full.record_count()
    assert target.contacts.list() == before


def test_nothing_is_held_for_a_laptop_that_has_other_states(laptops: Laptops,
                                                             good: Path) -> None:
    target = laptops("target")
    import_file(target, good)  # (which remembers its record files: `test_canonical_members`)
    contact = target.contacts.list()[0]
    target.contacts.update(contact.id, role="Nurse")
    fast = read_for_import(target, good)
    assert contact.id not in fast.held.get("contact", {})
    assert [line["id"] for line in fast.lines("contact")] == [contact.id]
    assert import_bundle(target, fast).preview.counts()["unchanged"] == \
        limits.read_file(good).record_count()
    assert target.contacts.get(contact.id).role == "Nurse"


def test_another_layout_of_the_same_state_is_read_in_full(laptops: Laptops, good: Path,
                                                          tmp_path: Path) -> None:
    target = laptops("target")
    import_file(target, good)
    for number, encode in enumerate([
            json.dumps,  # spaces
            lambda line: json.dumps(dict(reversed(line.items())), separators=(",", ":")),
            lambda line: canonical_json(line).replace('"id":', ' "id":', 1)]):
        path = rebuild(_relaid(members(good), "contact", encode),
                       tmp_path / f"layout-{number}.partnerdesk")
        fast = read_for_import(target, path)
        assert "contact" not in fast.held
        assert len(fast.lines("contact")) == 1
        assert import_file(target, path).preview.counts()["unchanged"] == \
            limits.read_file(path).record_count()


def test_canonical_content_changed_under_its_old_revision_is_refused(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    target = laptops("target")
    import_file(target, good)

    def forged(line: dict[str, object]) -> str:
        line["values"]["name"] = "Mallory"  # type: ignore[index]
        return canonical_json(line)  # the very layout a held line has, the old revision

    path = rebuild(_relaid(members(good), "contact", forged), tmp_path / "forged.partnerdesk")
    refused(target, path, "revision does not match its content")
    assert target.contacts.list()[0].name == "Ida"


def test_a_record_changed_here_after_the_bundle_was_read_is_merged_in_full(
        laptops: Laptops, tmp_path: Path) -> None:
    home, target = laptops("home"), laptops("target")
    contact = home.contacts.create(name="Ida")
    first = tmp_path / "first.partnerdesk"
    export_bundle(home, first)
    import_file(target, first)
    home.contacts.update(contact.id, role="Nurse")
    second = tmp_path / "second.partnerdesk"
    export_bundle(home, second)
    batch = import_file(target, second).batch_id
    assert batch is not None
    fast = read_for_import(target, second)
    assert contact.id in fast.held["contact"]
    undo_import(target, batch, confirm=True)  # the state before: the role unset again
    assert target.contacts.get(contact.id).role == ""
    counts = import_bundle(target, fast).preview.counts()
    assert counts["updated"] == 1
    assert target.contacts.get(contact.id).role == "Nurse"


def test_a_value_holding_other_line_separators_travels(laptops: Laptops,
                                                       tmp_path: Path) -> None:
    home, target = laptops("home"), laptops("target")
    notes = "first\u2028second\u2029third\x0cfourth\x1cfifth\x85sixth"
    home.contacts.create(name="Ida", notes=notes)
    path = tmp_path / "separators.partnerdesk"
    export_bundle(home, path)
    import_file(target, path)
    assert target.contacts.list()[0].notes == notes
    assert import_file(target, path).preview.counts()["new"] == 0


def _slow_lines(desk: Desk) -> dict[str, list[bytes]]:
    """Every record's line as `line_of(state_of(row))` makes it from ORM-typed rows."""
    found: dict[str, list[bytes]] = {}
    with desk.store.read() as session:
        connection = session.connection()
        for name, model in RECORD_TYPES.items():
            lines = []
            for row in sorted(read_rows(connection, model), key=lambda row: row["id"]):
                state = state_of(model, row)
                if state.deleted:
                    state = tombstone(state, [c for c, _t, _n in references(model)])
                lines.append(line_text(line_of(name, row["id"], state)))
            found[name] = lines
    return found


def _fast_lines(desk: Desk) -> dict[str, list[bytes]]:
    with desk.store.read() as session:
        connection = session.connection()
        return {name: list(stream_lines(connection, name, model, Progress(), limits.held_id))
                for name, model in RECORD_TYPES.items()}


def test_streamed_lines_are_the_lines_of_the_typed_rows(laptops: Laptops,
                                                        tmp_path: Path) -> None:
    """The export's stream reads the driver's plain values: every record type of the
    sample data, edited, deleted, restored and imported, gives the same bytes."""
    home, other = laptops("home"), laptops("other")
    load_demo(home, scale=1, today=date(2026, 3, 2))
    contacts = home.contacts.list()
    home.contacts.update(contacts[0].id, notes="zoë\u2028\"quoted\" \\ back", tags=["a", "b"])
    home.contacts.delete(contacts[1].id)
    home.contacts.delete(contacts[2].id)
    home.contacts.restore(contacts[2].id)
    path = tmp_path / "home.partnerdesk"
    export_bundle(home, path)
    import_file(other, path)
    other.contacts.update(contacts[3].id, role="Nurse")
    for desk in (home, other):
        slow = _slow_lines(desk)
        assert sum(map(len, slow.values())) > 100
        assert _fast_lines(desk) == slow


def test_a_stale_stored_revision_is_never_exported(laptops: Laptops, tmp_path: Path) -> None:
    home = laptops("home")
    contact = home.contacts.create(name="Ida")
    with home.store.write() as writer:  # as a damaged or hand-edited database might hold
        writer.session.execute(
            text("UPDATE contacts SET rev = '0123456789abcdef0123456789abcdef' WHERE id = :id"),
            {"id": contact.id})
    assert _fast_lines(home)["contact"] == _slow_lines(home)["contact"]
    path = tmp_path / "home.partnerdesk"
    export_bundle(home, path)
    import_file(laptops("other"), path)  # its revision matches its content
    assert laptops("other").contacts.get(contact.id).name == "Ida"
