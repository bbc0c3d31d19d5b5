"""CSV import and export: every layout and encoding people have, duplicates, undo, safety."""

import csv
from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing import import_common
from partnerdesk.sharing.csv_export import export_csv
from partnerdesk.sharing.csv_import import open_csv, plan_csv
from partnerdesk.sharing.import_common import ImportFileError, apply_plan
from partnerdesk.sharing.undo import undo_import
from tests.interchange.conftest import records_digest


def contact_named(desk: Desk, name: str):  # type: ignore[no-untyped-def]
    found = [c for c in desk.contacts.list() if c.name == name]
    assert len(found) == 1, [c.name for c in desk.contacts.list()]
    return found[0]


def org_name(desk: Desk, org_id: str | None) -> str:
    assert org_id
    return desk.organizations.get(org_id).name


def import_file(desk: Desk, path: Path, record_type: str = "contact",
                valid_only: bool = False, on_duplicate: str = "merge") -> dict[str, int]:
    plan = plan_csv(desk, path, record_type)
    plan.set_duplicate_action(on_duplicate)
    return apply_plan(desk, plan, valid_only=valid_only).counts


def test_google_current_layout(desk: Desk, fixtures: Path) -> None:
    assert open_csv(fixtures / "google_current.csv", "contact").layout == "google"
    counts = import_file(desk, fixtures / "google_current.csv")
    assert counts == {"new": 3, "merged": 0, "skipped": 0, "invalid": 0}
    jose = contact_named(desk, "José Núñez")
    assert [e["address"] for e in jose.emails] == [
        "jose.nunez@sanmartin.example", "jnunez@home.example", "jose.personal@example.org"]
    assert [e["kind"] for e in jose.emails] == ["work", "work", "home"]
    assert [(p["number"], p["kind"]) for p in jose.phones] == [
        ("+14155550101", "mobile"), ("+14155550102", "work")]
    assert jose.role == "Outreach coordinator"
    assert jose.notes == "Met at the health fair.\nPrefers mornings."
    assert jose.tags == ["Partners"]  # Google's own "* myContacts" group is dropped
    assert org_name(desk, jose.organization_id) == "Clínica San Martín"
    zoe = contact_named(desk, "Dr. Zoë Brontë")
    ana = contact_named(desk, "Ana María Gómez")
    assert zoe.organization_id == ana.organization_id  # one organization, linked twice
    assert desk.organizations.count() == 2


def test_google_older_layout(desk: Desk, fixtures: Path) -> None:
    assert open_csv(fixtures / "google_older.csv", "contact").layout == "google-older"
    import_file(desk, fixtures / "google_older.csv")
    renee = contact_named(desk, "Renée Lefèvre")
    assert [e["address"] for e in renee.emails] == ["renee@lefevre.example",
                                                    "r.lefevre@mairie.example"]
    assert renee.role == "Treasurer" and renee.tags == ["Board"]
    assert org_name(desk, renee.organization_id) == "Maison des Familles"
    bjorn = contact_named(desk, "Björn Ångström")
    assert [(e["address"], e["kind"]) for e in bjorn.emails] == [
        ("bjorn@example.se", "home"), ("b.angstrom@nordic.example", "work")]


def test_outlook_export_in_windows_1252(desk: Desk, fixtures: Path) -> None:
    raw = (fixtures / "outlook.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is Windows-1252
    assert open_csv(fixtures / "outlook.csv", "contact").layout == "outlook"
    import_file(desk, fixtures / "outlook.csv")
    francois = contact_named(desk, "M. François Dupré")
    assert francois.role == "Discharge planner"
    assert francois.notes == "Call before 10 €"
    assert francois.tags == ["Hospital", "Key partner"]
    assert [(p["number"], p["kind"]) for p in francois.phones] == [
        ("+14185550110", "work"), ("+14185550111", "mobile")]
    assert len(francois.emails) == 2
    chloe = contact_named(desk, "Chloé Müller")
    assert chloe.organization_id == francois.organization_id
    assert org_name(desk, chloe.organization_id) == "Hôpital Général"


def test_semicolons_in_utf16_with_line_breaks_and_invalid_rows(desk: Desk,
                                                               fixtures: Path) -> None:
    source = open_csv(fixtures / "semicolon_utf16.csv", "contact")
    assert source.table.delimiter == ";" and source.layout == "other"
    assert source.mapping == ["name", "email", "phone:mobile", "organization", "role", "notes"]
    plan = plan_csv(desk, fixtures / "semicolon_utf16.csv", "contact")
    assert [(row.row, bool(row.problems)) for row in plan.rows] == [
        (2, False), (3, False), (4, True), (5, True)]
    assert "no name" in plan.rows[2].problems[0]
    assert "not-an-email" in plan.rows[3].problems[0]
    before = records_digest(desk)
    with pytest.raises(ImportFileError, match="2 of 4 rows have problems"):
        apply_plan(desk, plan)  # the person chose "nothing"
    assert records_digest(desk) == before
    counts = apply_plan(desk, plan, valid_only=True).counts
    assert counts == {"new": 2, "merged": 0, "skipped": 0, "invalid": 2}
    soren = contact_named(desk, "Søren Kierkegård")
    assert soren.notes == "Runs the soup kitchen;\nopen Sundays"
    assert soren.phones == [{"number": "+4520123456", "kind": "mobile", "extension": ""}]
    lucja = contact_named(desk, "Łucja Wąsowska")
    assert [e["address"] for e in lucja.emails] == ["lucja@example.pl",
                                                    "l.wasowska@work.example"]


def test_tab_separated_organizations_by_similar_names(desk: Desk, fixtures: Path) -> None:
    source = open_csv(fixtures / "organizations_tab.csv", "organization")
    assert source.table.delimiter == "\t"
    assert source.mapping == ["name", "kind", "website", "email", "phone", "address:street",
                              "notes"]
    counts = import_file(desk, fixtures / "organizations_tab.csv", "organization",
                         valid_only=True)
    assert counts == {"new": 2, "merged": 0, "skipped": 0, "invalid": 1}
    food = desk.organizations.list(where={"name": "Riverside Food Bank"})[0]
    assert food.kind == "community_group" and food.phone == "+14155550190"
    assert food.address == "9 River Rd"


@pytest.mark.parametrize("name", ["google_current.csv", "google_older.csv", "outlook.csv",
                                  "semicolon_utf16.csv"])
def test_second_import_finds_only_duplicates_and_adds_nothing(desk: Desk, fixtures: Path,
                                                              name: str) -> None:
    import_file(desk, fixtures / name, valid_only=True)
    stats = desk.stats()
    digest = records_digest(desk)
    plan = plan_csv(desk, fixtures / name, "contact")
    assert all(row.duplicate for row in plan.rows if row.valid)
    counts = apply_plan(desk, plan, valid_only=True).counts
    assert counts["new"] == 0 and counts["merged"] == len([r for r in plan.rows if r.valid])
    assert desk.stats() == stats
    assert records_digest(desk) == digest  # merging what is already there changes nothing


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_duplicates_within_the_file_and_merge_never_overwrites(desk: Desk,
                                                               tmp_path: Path) -> None:
    org = desk.organizations.create(name="Mercy General Hospital")
    desk.contacts.create(name="Marcus Lee", role="CFO", organization_id=org.id,
                         emails=[{"address": "marcus@mercy.example", "kind": "work"}])
    path = write_csv(tmp_path / "list.csv", [
        ["Name", "Email", "Phone", "Company", "Title", "Notes"],
        ["Marcus Lee", "MARCUS@mercy.example", "", "Mercy General Hospital", "Treasurer",
         "Likes data"],
        ["Amara Okafor", "amara@food.example", "415 555 0142", "", "", ""],
        ["Amara Okafor", "", "(415) 555-0142", "", "", "second row, same phone"],
        ["Marcos Lee", "", "+1 415 555 0177", "Mercy General Hospital", "", ""],
    ])
    plan = plan_csv(desk, path, "contact")
    reasons = [(row.row, row.match_key.startswith("row:"), row.reason) for row in plan.rows]
    assert reasons[0][2] == "same e-mail MARCUS@mercy.example" or "same e-mail" in reasons[0][2]
    assert reasons[1] == (3, False, "")
    assert reasons[2][1] is True and "same phone" in reasons[2][2]
    assert "very similar name" in reasons[3][2] and "same organization" in reasons[3][2]
    counts = apply_plan(desk, plan).counts
    assert counts == {"new": 1, "merged": 3, "skipped": 0, "invalid": 0}
    marcus = contact_named(desk, "Marcus Lee")
    assert marcus.role == "CFO"  # a non-empty field is never overwritten
    assert marcus.notes == "Likes data"  # an empty one is filled
    assert [p["number"] for p in marcus.phones] == ["+14155550177"]
    amara = contact_named(desk, "Amara Okafor")
    assert amara.notes == "second row, same phone"


def test_skip_and_add_on_duplicates(desk: Desk, fixtures: Path) -> None:
    import_file(desk, fixtures / "google_current.csv")
    assert import_file(desk, fixtures / "google_current.csv", on_duplicate="skip") == {
        "new": 0, "merged": 0, "skipped": 3, "invalid": 0}
    assert desk.contacts.count() == 3
    assert import_file(desk, fixtures / "google_current.csv", on_duplicate="add")["new"] == 3
    assert desk.contacts.count() == 6


def test_import_is_one_batch_that_undo_reverses(desk: Desk, fixtures: Path,
                                                tmp_path: Path) -> None:
    existing = desk.contacts.create(name="José Núñez", emails=[
        {"address": "jose.nunez@sanmartin.example", "kind": "work"}])
    before = records_digest(desk)
    plan = plan_csv(desk, fixtures / "google_current.csv", "contact")
    result = apply_plan(desk, plan)
    assert result.counts == {"new": 2, "merged": 1, "skipped": 0, "invalid": 0}
    assert len(desk.contacts.get(existing.id).emails) == 3
    history = desk.contacts.history(existing.id)
    assert history[0].batch_id == result.batch_id
    undo_import(desk, result.batch_id)
    assert desk.contacts.count() == 1
    assert desk.organizations.count() == 0  # the organizations it created are gone too
    assert len(desk.contacts.get(existing.id).emails) == 1
    assert records_digest(desk) == before


def test_export_reimports_without_loss(demo_desk: Desk, other_desk: Desk,
                                       tmp_path: Path) -> None:
    for record_type in ("organization", "contact"):
        path = tmp_path / f"{record_type}.csv"
        export_csv(demo_desk, record_type, path)
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        source = open_csv(path, record_type)
        assert source.layout == "partnerdesk"
        counts = apply_plan(other_desk, plan_csv(other_desk, path, record_type)).counts
        assert counts["invalid"] == 0 and counts["merged"] == 0
    fields = ["name", "role", "emails", "phones", "preferred_contact", "tags", "notes",
              "internal_notes", "share_ok", "last_contacted"]
    for original in demo_desk.contacts.list():
        copy = other_desk.contacts.get(original.id)
        assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]
        assert (org_name(other_desk, copy.organization_id) ==
                org_name(demo_desk, original.organization_id))
    org_fields = ["name", "kind", "status", "website", "email", "phone", "address",
                  "latitude", "longitude", "mission", "tags", "notes", "internal_notes"]
    for original in demo_desk.organizations.list():
        copy = other_desk.organizations.get(original.id)
        assert [getattr(copy, f) for f in org_fields] == [getattr(original, f)
                                                          for f in org_fields]


def test_formula_looking_name_is_neutralised_and_comes_back(desk: Desk, other_desk: Desk,
                                                            tmp_path: Path) -> None:
    names = ['=HYPERLINK("http://evil.example","Click")', "+1 Plus", "-Minus", "@Sum",
             "\tTabbed"]
    for name in names:
        desk.contacts.create(name=name.strip() if name.startswith("\t") else name,
                             notes="=1+1")
    path = tmp_path / "contacts.csv"
    export_csv(desk, "contact", path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in cells
    apply_plan(other_desk, plan_csv(other_desk, path, "contact"))
    assert sorted(c.name for c in other_desk.contacts.list()) == sorted(
        c.name for c in desk.contacts.list())
    assert {c.notes for c in other_desk.contacts.list()} == {"=1+1"}


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "does not look like a text"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x81\x8d\x90\xff", "does not look like"),
    (b'Name,Email\r\n"Ann Lee,ann@example.org\r\n', "not a well-formed CSV"),
    (b'Name,Email\r\n"Ann" Lee,ann@example.org\r\n', "not a well-formed CSV"),
    (b"", "empty"),
    (b"\r\n\r\n", "empty"),
])
def test_malformed_files_give_a_clear_message_and_change_nothing(
        demo_desk: Desk, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = records_digest(demo_desk)
    with pytest.raises(ImportFileError, match=message):
        plan_csv(demo_desk, path, "contact")
    assert records_digest(demo_desk) == before


def test_size_limits(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "big.csv", [["Name", "Notes"], ["Ann", "x" * 30_000],
                                            ["Bob", "fine"]])
    plan = plan_csv(desk, path, "contact")
    assert "30,000 characters" in plan.rows[0].problems[0]
    assert plan.rows[1].valid
    monkeypatch.setattr(import_common, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ImportFileError, match="files over 0 MB|are not imported"):
        import_common.read_bytes(path, limit=1000)
    with pytest.raises(ImportFileError, match="There is no file"):
        plan_csv(desk, tmp_path / "missing.csv", "contact")


def test_excel_sep_hint_and_bom_headers(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("sep=;\r\nNom complet;E-mail\r\nAnaïs Roux;anais@example.fr\r\n"
                     .encode("utf-8-sig"))
    plan = plan_csv(desk, path, "contact")
    assert plan.rows[0].values["emails"][0]["address"] == "anais@example.fr"


def test_undo_of_a_file_with_duplicates_inside_needs_no_confirmation(desk: Desk,
                                                                     tmp_path: Path) -> None:
    from partnerdesk.sharing.undo import check_undo

    path = write_csv(tmp_path / "twice.csv", [
        ["Name", "Email", "Phone"], ["Ann Lee", "ann@example.org", ""],
        ["Ann Lee", "ann@example.org", "+1 415 555 0100"]])
    result = apply_plan(desk, plan_csv(desk, path, "contact"))
    assert result.counts == {"new": 1, "merged": 1, "skipped": 0, "invalid": 0}
    ann = desk.contacts.list()[0]
    assert ann.phones == [{"number": "+14155550100", "kind": "work", "extension": ""}]
    assert len(desk.contacts.history(ann.id)) == 1  # one entry per record per batch
    assert check_undo(desk, result.batch_id).edited_since == []
    undo_import(desk, result.batch_id)
    assert desk.contacts.count() == 0
