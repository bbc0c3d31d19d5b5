"""A NUL byte or a broken character from a damaged file (issue 16, cases 6 and 9): the
file is read as what it is, the row holding it is refused, nothing like it is saved."""

import codecs
from pathlib import Path

import pytest

from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk
from partnerdesk.sharing.csv_import import plan_csv
from partnerdesk.sharing.import_common import apply_plan, decode_text
from partnerdesk.sharing.vcard import plan_vcard

ROWS = ("Name,E-mail\n"
        "Ada Lovelace,ada@example.org\n"
        "Bad\x00Row,bad@example.org\n"
        "Grace Hopper,grace@example.org\n")


def test_one_nul_in_a_csv_refuses_its_row_and_imports_the_others(desk: Desk,
                                                                  tmp_path: Path) -> None:
    """One NUL in the first 4 KB once made the file read as UTF-16: "0 new", exit 0."""
    path = tmp_path / "contacts.csv"
    path.write_bytes(ROWS.encode())
    plan = plan_csv(desk, path, "contact")
    assert [(row.row, bool(row.problems)) for row in plan.rows] == [
        (2, False), (3, True), (4, False)]
    assert "NUL" in plan.rows[1].problems[0]
    counts = apply_plan(desk, plan, valid_only=True).counts
    assert counts["new"] == 2 and counts["invalid"] == 1
    assert sorted(c.name for c in desk.contacts.list()) == ["Ada Lovelace", "Grace Hopper"]


def test_utf16_without_a_byte_order_mark_is_still_read() -> None:
    text = "Name,E-mail\n王小明,wang@example.cn\nAda,ada@example.org\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_text(text.encode(encoding)) == text
    assert decode_text(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text


def test_one_nul_in_a_vcard_refuses_that_card(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n"
                     b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad\x00Card\r\nEND:VCARD\r\n")
    plan = plan_vcard(desk, path)
    assert [bool(row.problems) for row in plan.rows] == [False, True]


@pytest.mark.parametrize("bad", ["Ada\x00Lovelace", "Ada \ud800 Lovelace"])
def test_a_nul_or_a_lone_surrogate_is_refused_at_save(desk: Desk, bad: str) -> None:
    with pytest.raises(ValidationError, match="damaged file"):
        desk.contacts.create(name=bad)
    with pytest.raises(ValidationError, match="damaged file"):
        desk.contacts.create(name="Ada", emails=[{"address": "ada@example.org",
                                                  "label": bad}])
    with pytest.raises(ValidationError, match="damaged file"):
        desk.organizations.create(name="Clinic", notes=bad)
    assert desk.contacts.count() == 0 and desk.organizations.count() == 0


def test_text_that_only_spells_out_a_nul_is_kept(desk: Desk) -> None:
    """A typed backslash-u0000 (in a note about a file format, say) is plain text."""
    spelled = "The export had \\u0000 in it"
    ada = desk.contacts.create(name="Ada", notes=spelled,
                               emails=[{"address": "ada@example.org", "kind": spelled}])
    assert desk.contacts.get(ada.id).emails[0]["kind"] == spelled
    desk.contacts.update_many([ada.id], tags=[spelled])
    assert desk.contacts.get(ada.id).tags == [spelled]
