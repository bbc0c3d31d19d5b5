"""Every import, and every undo of one, is preceded by a checked backup."""

from pathlib import Path

import pytest

from partnerdesk.db.backup_folder import list_backups
from partnerdesk.services import Desk
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.undo import undo_import


def reasons(desk: Desk) -> list[str]:
    return sorted(info.reason for info in list_backups(desk.path, counts=False))


def test_bundle_import_and_its_undo_are_backed_up_first(tmp_path: Path,
                                                        demo_desk: Desk) -> None:
    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        before = reasons(other)
        import_file(other, bundle, dry_run=True)
        assert reasons(other) == before  # a preview changes nothing, so nothing to back up
        result = import_file(other, bundle)
        assert reasons(other).count("before-import") == before.count("before-import") + 1
        undo_import(other, result.batch_id, confirm=True)
        assert "before-undo-import" in reasons(other)


def backup_files(desk: Desk) -> list[Path]:
    return sorted(info.path for info in list_backups(desk.path, counts=False))


def test_reimporting_the_same_bundle_takes_no_backup_and_reports_unchanged(
        tmp_path: Path, demo_desk: Desk) -> None:
    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        first = import_file(other, bundle)
        files = backup_files(other)
        again = import_file(other, bundle)
        assert backup_files(other) == files  # nothing to take back, so no copy made
        counts = again.preview.counts()
        assert counts["unchanged"] == sum(first.preview.counts().values()) > 0
        assert {key: n for key, n in counts.items() if key != "unchanged"} == dict.fromkeys(
            ("new", "updated", "deleted", "already_deleted", "conflicts"), 0)
        # still remembered in the import history, as a bundle that changed nothing
        assert again.batch_id in [batch.id for batch in other.sharing.imports()]


def test_a_bundle_that_changes_one_record_is_still_backed_up_first(
        tmp_path: Path, demo_desk: Desk) -> None:
    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        import_file(other, bundle)
        before = reasons(other)
        contact = demo_desk.contacts.list(limit=1)[0]
        demo_desk.contacts.update(contact.id, role="Edited on the other laptop")
        export_bundle(demo_desk, bundle)
        result = import_file(other, bundle)
        assert result.preview.counts()["updated"] == 1
        assert other.contacts.get(contact.id).role == "Edited on the other laptop"
        if other.address is None:  # a file; an office database keeps history instead
            assert reasons(other).count("before-import") == before.count("before-import") + 1


def test_the_backup_made_beside_an_import_holds_the_records_as_they_were(
        tmp_path: Path, demo_desk: Desk) -> None:
    """The copy is made while the import is worked out, and must still be the state
    before it: restoring it gives back the role the import changed."""
    import sqlite3

    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        import_file(other, bundle)
        contact = demo_desk.contacts.list(limit=1)[0]
        demo_desk.contacts.update(contact.id, role="Changed by the import")
        export_bundle(demo_desk, bundle)
        old_role = other.contacts.get(contact.id).role
        import_file(other, bundle)
        assert other.contacts.get(contact.id).role == "Changed by the import"
        [newest] = [info for info in sorted(list_backups(other.path, counts=False),
                                            key=lambda info: info.taken_at)
                    if info.reason == "before-import"][-1:]
    with sqlite3.connect(newest.path) as copy:
        [(role,)] = copy.execute("SELECT role FROM contacts WHERE id = ?", (contact.id,))
    assert role == old_role != "Changed by the import"


def test_an_import_whose_backup_fails_changes_nothing(tmp_path: Path, demo_desk: Desk,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerdesk.db import backup
    from partnerdesk.errors import DatabaseProblem

    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        before = other.stats()

        def no_room(db_path: Path, reason: str = "manual") -> object:
            raise DatabaseProblem("The disk is full: the backup could not be made.")

        monkeypatch.setattr(backup, "backup_now", no_room)
        with pytest.raises(DatabaseProblem, match="backup could not be made"):
            import_file(other, bundle)
        assert other.stats() == before
        assert other.sharing.imports() == []
