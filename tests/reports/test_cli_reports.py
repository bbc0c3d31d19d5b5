"""`partnerdesk report KIND -o FILE.pdf`."""

from pathlib import Path

import pytest
from pypdf import PdfReader

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from tests.conftest import TODAY


@pytest.fixture
def demo_db(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "demo.db"
    with Desk.open(path) as desk:
        load_demo(desk, today=TODAY)
        meeting = desk.meetings.list(limit=1)[0].id
    return path, meeting


def test_unknown_partnership_is_a_message_and_no_file(demo_db: tuple[Path, str],
                                                      tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.pdf"
    code = main(["--db", str(demo_db[0]), "report", "partnership", "--partnership", "Nope",
                 "-o", str(target)])
    assert code == 1
    assert "no partnership called “Nope”" in capsys.readouterr().err
    assert not target.exists()
    assert not list(tmp_path.glob(".partnerdesk-*"))


@pytest.mark.parametrize("kind,extra", [
    ("partnership", ["--partnership", "Food as Medicine", "--page-size", "a4"]),
    ("agreements", []), ("resources", []), ("directory", ["--include-internal"]),
    ("minutes", None)])
def test_each_kind_writes_a_pdf(demo_db: tuple[Path, str], tmp_path: Path, kind: str,
                                extra: list[str] | None) -> None:
    target = tmp_path / f"{kind}.pdf"
    args = extra if extra is not None else ["--meeting", demo_db[1]]
    assert main(["--db", str(demo_db[0]), "report", kind, "-o", str(target), *args]) == 0
    reader = PdfReader(target)
    assert len(reader.pages) >= 1
    assert "Page 1 of" in reader.pages[0].extract_text()


def test_empty_period_is_refused(demo_db: tuple[Path, str], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.pdf"
    code = main(["--db", str(demo_db[0]), "report", "partnership", "--partnership", "Food",
                 "--from", "2001-01-01", "--to", "2001-03-31", "-o", str(target)])
    assert code == 1 and not target.exists()
    assert "Choose a longer or a different period" in capsys.readouterr().err
