"""A bundle's records go to the writer a part at a time (`importer.WRITE_PART`): the
import comes out the same as in one go, history, search and undo included."""

from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing import importer
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.undo import undo_import


def test_an_import_written_in_small_parts_holds_every_record(
        tmp_path: Path, demo_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "all.partnerdesk"
    export_bundle(demo_desk, bundle)
    with Desk.open(tmp_path / "in-one-go.db") as whole:
        in_one_go = import_file(whole, bundle).preview.counts()
    monkeypatch.setattr(importer, "WRITE_PART", 3)
    with Desk.open(tmp_path / "laptop-b.db") as other:
        result = import_file(other, bundle)
        assert result.preview.counts() == in_one_go
        assert in_one_go["new"] > 3 * 10
        assert other.stats() == demo_desk.stats()
        contact = demo_desk.contacts.list(limit=1)[0]
        assert other.contacts.get(contact.id).name == contact.name
        assert contact.id in {hit.record_id for hit in other.search(contact.name)}
        assert other.contacts.history(contact.id)  # each record's "imported" entry
        undo_import(other, result.batch_id, confirm=True)
        assert other.contacts.count() == 0
        assert contact.id not in {hit.record_id for hit in other.search(contact.name)}
