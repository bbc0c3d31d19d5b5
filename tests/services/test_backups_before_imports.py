"""Every import, and every undo of one, is preceded by a checked backup."""

from pathlib import Path

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
