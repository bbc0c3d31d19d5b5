"""The sample reports written when there is no display."""

from pathlib import Path

from pypdf import PdfReader

from partnerdesk.reports.sample import FILENAMES, write_sample_reports
from partnerdesk.services import Desk
from tests.conftest import TODAY


def test_one_pdf_of_each_kind(sample_desk: Desk, tmp_path: Path) -> None:
    written = write_sample_reports(sample_desk, tmp_path / "out", today=TODAY)
    assert sorted(p.name for p in written) == sorted(FILENAMES.values())
    for path in written:
        assert len(PdfReader(path).pages) >= 1


def test_an_empty_database_still_gives_what_it_can(desk: Desk, tmp_path: Path) -> None:
    written = write_sample_reports(desk, tmp_path, today=TODAY)
    assert {p.name for p in written} == {"agreements-register.pdf", "resource-map.pdf",
                                         "contact-directory.pdf", "funding-register.pdf"}
