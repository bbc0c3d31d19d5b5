"""vCard in (2.1, 3.0, 4.0) and out (3.0, 4.0), read back with vobject."""

from pathlib import Path

import pytest
import vobject

from partnerdesk.services import Desk
from partnerdesk.sharing.import_common import ImportFileError, apply_plan
from partnerdesk.sharing.vcard import export_vcard, plan_vcard
from tests.interchange.conftest import records_digest


def only(desk: Desk, name: str):  # type: ignore[no-untyped-def]
    found = [c for c in desk.contacts.list() if c.name == name]
    assert len(found) == 1, [c.name for c in desk.contacts.list()]
    return found[0]


def test_vcard_21_quoted_printable_and_soft_breaks(desk: Desk, fixtures: Path) -> None:
    counts = apply_plan(desk, plan_vcard(desk, fixtures / "contacts_21.vcf")).counts
    assert counts == {"new": 2, "merged": 0, "skipped": 0, "invalid": 0}
    jose = only(desk, "José Núñez")
    assert desk.organizations.get(jose.organization_id).name == "Clínica San Martín"
    assert jose.notes.endswith("a long note that continues on a soft line break.")
    assert [(e["address"], e["kind"]) for e in jose.emails] == [
        ("jose.nunez@sanmartin.example", "work"), ("jose.personal@example.org", "home")]
    assert [(p["number"], p["kind"]) for p in jose.phones] == [
        ("+14155550101", "mobile"), ("+14155550102", "work")]
    only(desk, "Zoë Brontë")


def test_vcard_30_grouped_properties_and_folded_lines(desk: Desk, fixtures: Path) -> None:
    apply_plan(desk, plan_vcard(desk, fixtures / "contacts_30.vcf"))
    renee = only(desk, "Renée Lefèvre")
    assert [(e["address"], e["kind"]) for e in renee.emails] == [
        ("renee@lefevre.example", "other"), ("r.lefevre@mairie.example", "work")]
    assert [(p["number"], p["kind"]) for p in renee.phones] == [
        ("+33612345678", "mobile"), ("+33123456789", "work")]
    assert renee.notes == ("Board member of the Maison des Familles, since 2019. This note "
                           "is long enough to be folded over two lines.")
    assert renee.tags == ["Board", "Volunteers"]


def test_vcard_40_typed_values_and_tel_uris(desk: Desk, fixtures: Path) -> None:
    apply_plan(desk, plan_vcard(desk, fixtures / "contacts_40.vcf"))
    bjorn = only(desk, "Björn Ångström")
    assert [(p["number"], p["kind"]) for p in bjorn.phones] == [
        ("+46812345678", "work"), ("+46701234567", "mobile")]
    assert [e["kind"] for e in bjorn.emails] == ["home", "work"]
    assert only(desk, "Søren Kierkegård").organization_id is None


@pytest.mark.parametrize("name", ["contacts_21.vcf", "contacts_30.vcf", "contacts_40.vcf"])
def test_second_import_adds_nothing(desk: Desk, fixtures: Path, name: str) -> None:
    apply_plan(desk, plan_vcard(desk, fixtures / name))
    digest = records_digest(desk)
    plan = plan_vcard(desk, fixtures / name)
    assert all(row.duplicate for row in plan.rows)
    assert apply_plan(desk, plan).counts["new"] == 0
    assert records_digest(desk) == digest


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_export_parses_back_with_vobject(demo_desk: Desk, tmp_path: Path,
                                         version: str) -> None:
    path = tmp_path / "contacts.vcf"
    count = export_vcard(demo_desk, path, version)
    cards = list(vobject.readComponents(path.read_text(encoding="utf-8")))
    assert len(cards) == count == demo_desk.contacts.count()
    by_uid = {card.uid.value.removeprefix("urn:uuid:"): card for card in cards}
    for contact in demo_desk.contacts.list():
        card = by_uid[contact.id]
        assert card.version.value == version
        assert card.fn.value == contact.name
        assert [e.value for e in card.contents.get("email", [])] == [
            e["address"] for e in contact.emails]
        numbers = [t.value.removeprefix("tel:").replace("-", "")
                   for t in card.contents.get("tel", [])]
        extension = ";ext=" if version == "4.0" else " ext. "
        assert numbers == [p["number"] + (extension + p["extension"] if p["extension"] else "")
                           for p in contact.phones]
        if contact.organization_id:
            name = demo_desk.organizations.get(contact.organization_id).name
            assert card.org.value == [name, *([contact.department] if contact.department
                                              else [])]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_export_then_import_elsewhere_keeps_everything(demo_desk: Desk, other_desk: Desk,
                                                       tmp_path: Path, version: str) -> None:
    path = tmp_path / "contacts.vcf"
    export_vcard(demo_desk, path, version)
    counts = apply_plan(other_desk, plan_vcard(other_desk, path)).counts
    assert counts["new"] == demo_desk.contacts.count() and counts["invalid"] == 0
    for original in demo_desk.contacts.list():
        copy = other_desk.contacts.get(original.id)  # the UID carries the id
        assert (copy.name, copy.role, copy.emails, copy.phones, copy.notes, copy.tags) == (
            original.name, original.role, original.emails, original.phones, original.notes,
            original.tags)


@pytest.mark.parametrize("content, message", [
    ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\n", "no END:VCARD"),
    ("Name,Email\r\nAnn,ann@example.org\r\n", "holds no contact cards"),
    ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nBEGIN:VCARD\r\nFN:Bob\r\nEND:VCARD\r\n",
     "no END:VCARD"),
])
def test_broken_vcards_change_nothing(demo_desk: Desk, tmp_path: Path, content: str,
                                      message: str) -> None:
    path = tmp_path / "broken.vcf"
    path.write_text(content, encoding="utf-8")
    before = records_digest(demo_desk)
    with pytest.raises(ImportFileError, match=message):
        plan_vcard(demo_desk, path)
    assert records_digest(demo_desk) == before


def test_an_unreadable_card_is_named_and_left_out(demo_desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "mixed.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.org\r\n"
                    "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Stone\r\n"
                    "BEGIN:VEVENT\r\nEND:VCARD\r\n", encoding="utf-8")
    plan = plan_vcard(demo_desk, path)
    assert [row.title for row in plan.rows] == ["Ann Lee"] and plan.rows[0].valid
    [note] = plan.notes
    assert note.startswith("Card 2 (“Bob Stone”) could not be read and was left out (")
    result = apply_plan(demo_desk, plan)  # the cards that can be read come in
    assert result.counts["new"] == 1 and result.notes == plan.notes


def test_vcard_import_undoes(desk: Desk, fixtures: Path) -> None:
    from partnerdesk.sharing.undo import undo_import

    before = records_digest(desk)
    result = apply_plan(desk, plan_vcard(desk, fixtures / "contacts_30.vcf"))
    assert desk.contacts.count() == 1 and desk.tags.count() == 2
    undo_import(desk, result.batch_id)
    assert records_digest(desk) == before
