"""The sharing commands: export, import (--dry-run, --json), conflicts, imports, undo-import."""

import json
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from tests.conftest import TODAY


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home.db"
    with Desk.open(path) as desk:
        load_demo(desk, today=TODAY)
    return path


def test_export_import_json_and_history(capsys: pytest.CaptureFixture[str], home: Path,
                                        tmp_path: Path) -> None:
    bundle = tmp_path / "all.partnerdesk"
    code, out, _ = run(capsys, "--db", str(home), "export", "-o", str(bundle))
    assert code == 0 and "records" in out and bundle.exists()
    other = str(tmp_path / "other.db")
    code, out, _ = run(capsys, "--db", other, "import", str(bundle), "--dry-run", "--json")
    preview = json.loads(out)
    assert code == 0 and preview["new"] > 400
    assert set(preview) == {"new", "updated", "unchanged", "deleted", "already_deleted",
                            "conflicts"}
    code, out, _ = run(capsys, "--db", other, "imports", "--json")
    assert json.loads(out) == []  # a dry run records nothing
    code, out, _ = run(capsys, "--db", other, "import", str(bundle), "--json")
    assert json.loads(out)["new"] == preview["new"]
    code, out, _ = run(capsys, "--db", other, "import", str(bundle), "--json")
    again = json.loads(out)
    assert again["new"] == again["updated"] == again["deleted"] == again["conflicts"] == 0
    code, out, _ = run(capsys, "--db", other, "imports", "--json")
    batches = json.loads(out)
    assert len(batches) == 2
    code, out, _ = run(capsys, "--db", other, "undo-import", batches[-1]["id"])
    assert code == 0 and "Undone" in out
    with Desk.open(Path(other)) as desk:
        assert desk.contacts.count() == 0


def test_partnership_for_partner_and_sealed(capsys: pytest.CaptureFixture[str], home: Path,
                                            tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "p.partnerdesk"
    code, out, _ = run(capsys, "--db", str(home), "export", "-o", str(bundle),
                       "--partnership", "Food as Medicine", "--for-partner")
    assert code == 0
    code, _, err = run(capsys, "--db", str(home), "export", "-o", str(bundle),
                       "--partnership", "No Such Thing")
    assert code == 1 and "No partnership is called" in err
    monkeypatch.setenv("PARTNERDESK_PASSPHRASE", "harbor lights at dusk")
    sealed = tmp_path / "s.partnerdesk"
    code, out, _ = run(capsys, "--db", str(home), "export", "-o", str(sealed), "--seal")
    assert code == 0 and "sealed" in out
    other = str(tmp_path / "other.db")
    code, out, _ = run(capsys, "--db", other, "import", str(sealed), "--json")
    assert code == 0 and json.loads(out)["new"] > 400
    monkeypatch.setenv("PARTNERDESK_PASSPHRASE", "not the passphrase")
    code, _, err = run(capsys, "--db", other, "import", str(sealed))
    assert code == 1 and "passphrase does not open" in err


def test_conflicts_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    with Desk.open(a_path) as a:
        org = a.organizations.create(name="Clinic")
    run(capsys, "--db", str(a_path), "export", "-o", str(tmp_path / "1.partnerdesk"))
    run(capsys, "--db", str(b_path), "import", str(tmp_path / "1.partnerdesk"))
    with Desk.open(a_path) as a:
        a.organizations.update(org.id, notes="from a")
    with Desk.open(b_path) as b:
        b.organizations.update(org.id, notes="from b")
    run(capsys, "--db", str(a_path), "export", "-o", str(tmp_path / "2.partnerdesk"))
    run(capsys, "--db", str(b_path), "export", "-o", str(tmp_path / "3.partnerdesk"))
    run(capsys, "--db", str(b_path), "import", str(tmp_path / "2.partnerdesk"))
    run(capsys, "--db", str(a_path), "import", str(tmp_path / "3.partnerdesk"))
    listed = []
    for path in (a_path, b_path):
        code, out, _ = run(capsys, "--db", str(path), "conflicts", "--json")
        listed += json.loads(out)
    # both laptops list the clash, one value kept and the other lost, the same on both
    assert [(c["field"], c["kept_here"]) for c in listed] in (
        [("notes", False), ("notes", True)], [("notes", True), ("notes", False)])
    assert {c["lost_value"] for c in listed} < {"from a", "from b"}
    assert {(c["lost_value"], c["kept_value"]) for c in listed} == {
        (listed[0]["lost_value"], listed[0]["kept_value"])}
    code, out, _ = run(capsys, "--db", str(a_path), "conflicts")
    assert code == 0 and "Notes" in out


def test_not_a_bundle_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    junk = tmp_path / "junk.partnerdesk"
    junk.write_bytes(b"PK\x03\x04 not really")
    code, _, err = run(capsys, "--db", str(tmp_path / "x.db"), "import", str(junk))
    assert code == 1 and err.count("\n") == 1 and "not a zip file" in err
