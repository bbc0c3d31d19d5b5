"""Survey totals from a CSV: read the way spreadsheets write them, and hostile files refused
with a sentence, exit status 1 and nothing changed."""

from datetime import date
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.survey_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    SurveyImportError,
    import_totals,
    read_totals,
)
from tests.sharing.conftest import dump

DATA = Path(__file__).parents[1] / "data"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def feedback_id(desk: Desk) -> str:
    ship = desk.partnerships.create(title="Food as Medicine")
    return desk.feedback.save({"title": "Grocery box survey", "received_on": date(2026, 4, 1),
                               "partnership_id": ship.id, "channel": "survey"}).id


def results(desk: Desk, feedback_id: str) -> list[tuple[str, str, int]]:
    return [(q.question, a.answer, a.count) for q in desk.feedback.results(feedback_id)
            for a in q.answers]


def test_totals_as_spreadsheets_write_them(desk: Desk, feedback_id: str) -> None:
    # Excel's "CSV UTF-8" (a byte-order mark, CRLF), semicolons, a question not repeated,
    # thousands separators, another spelling of the columns
    data = ("\ufeffQuestion;Option;Total\r\nWould you come again?;Yes;1,112\r\n;Maybe;20\r\n"
            ";No;4\r\nWas it easy to find?;Yes;90\r\n").encode()
    result = import_totals(desk, feedback_id, data)
    assert result.added == 4
    assert results(desk, feedback_id) == [
        ("Would you come again?", "Yes", 1112), ("Would you come again?", "Maybe", 20),
        ("Would you come again?", "No", 4), ("Was it easy to find?", "Yes", 90)]
    # Windows-1252 from an older spreadsheet
    more = "question,answer,count\nCafé open late?,Sí,3\n".encode("cp1252")
    import_totals(desk, feedback_id, more)
    assert ("Café open late?", "Sí", 3) in results(desk, feedback_id)


def test_replace_puts_the_file_in_place_of_the_results(desk: Desk, feedback_id: str) -> None:
    import_totals(desk, feedback_id, b"question,answer,count\nQ,Yes,1\nQ,No,2\n")
    with pytest.raises(SurveyImportError, match="already counted"):
        import_totals(desk, feedback_id, b"question,answer,count\nQ,Yes,5\n")
    assert results(desk, feedback_id) == [("Q", "Yes", 1), ("Q", "No", 2)]
    result = import_totals(desk, feedback_id, b"question,answer,count\nQ,Yes,5\n",
                           replace=True)
    assert (result.added, result.removed) == (1, 2)
    assert results(desk, feedback_id) == [("Q", "Yes", 5)]


HOSTILE = {
    "one row per person": b"Timestamp,Name,question,answer\n2026-01-01,Ada,Q,Yes\n",
    "respondent ids": b"question,answers,respondentId\nQ,[3],cbab\n",
    "no count column": b"question,answer\nQ,Yes\n",
    "empty": b"",
    "binary": bytes(range(256)) * 40,
    "a NUL inside": b"question,answer,count\nQ,Ye\x00s,3\n",
    "a broken quote": b'question,answer,count\n"Q,Yes,3\nQ2,No,"4\n' + b"x" * 200_000,
    "a negative count": b"question,answer,count\nQ,Yes,-3\n",
    "a huge count": b"question,answer,count\nQ,Yes,99999999999999999999999\n",
    "a decimal count": b"question,answer,count\nQ,Yes,2.5\n",
    "not a number": b"question,answer,count\nQ,Yes,NaN\n",
    "the same answer twice": b"question,answer,count\nQ,Yes,1\nq,YES,2\n",
    "a question too long": b"question,answer,count\n" + b"Q" * 600 + b",Yes,1\n",
    "a header only": b"question,answer,count\n",
    "too many rows": b"question,answer,count\n" + b"".join(
        b"Q,%d,1\n" % n for n in range(MAX_ROWS + 5)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_change_nothing_and_exit_1(
        name: str, desk: Desk, feedback_id: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "totals.csv"
    path.write_bytes(HOSTILE[name])
    before = dump(desk.path)
    with pytest.raises(SurveyImportError) as refused:
        import_totals(desk, feedback_id, path)
    assert refused.value.message.startswith("Nothing was imported.")
    assert "Traceback" not in refused.value.message and len(refused.value.message) < 1500
    code = main(["--db", str(desk.path), "import-survey", str(path), "--feedback",
                 "Grocery box survey"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("partnerdesk: Nothing was imported.")
    assert dump(desk.path) == before


def test_individual_answers_are_refused_with_how_to_make_totals(tmp_path: Path) -> None:
    with pytest.raises(SurveyImportError) as refused:
        read_totals(HOSTILE["one row per person"])
    assert "one row per person" in refused.value.message
    assert "question, answer and count" in refused.value.message


def test_a_file_too_large_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is really written
    with pytest.raises(SurveyImportError, match="MB"):
        read_totals(path)
    with pytest.raises(SurveyImportError, match="There is no file"):
        read_totals(tmp_path / "missing.csv")


@pytest.mark.parametrize("path", sorted((DATA / "hsds3-example").glob("*.csv"))[:6]
                         + sorted(FIXTURES.glob("*.csv")), ids=lambda p: p.name)
def test_other_programs_csv_files_are_refused_with_a_sentence(path: Path) -> None:
    """Files nobody here wrote (Open Referral's HSDS example) and address-book exports:
    none is a table of totals, and each gets a sentence, never a traceback."""
    with pytest.raises(SurveyImportError) as refused:
        read_totals(path)
    assert refused.value.message.startswith("Nothing was imported.")
