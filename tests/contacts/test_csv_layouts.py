"""Spreadsheets in the layouts address books export (tests/data/address-book-exports, made
with each program's documented header row), recognised by their headers and imported
field by field; any other file mapped by hand (`--map`); files that cannot be imported
refused with a sentence and nothing recorded."""

import csv
import io
import json
from pathlib import Path

import pytest

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.sharing.csv_import import open_csv, plan_csv
from partnerdesk.sharing.import_common import ImportFileError, apply_plan
from partnerdesk.sharing.undo import list_imports
from tests.contacts.conftest import EXPORTS, address, people
from tests.interchange.conftest import records_digest
from tests.new_database import open_new_desk


def imported(desk: Desk, name: str, layout: str, record_type: str = "contact",
             mapping: list[str] | None = None) -> dict[str, dict]:  # type: ignore[type-arg]
    assert open_csv(EXPORTS / name, record_type).layout == layout
    plan = plan_csv(desk, EXPORTS / name, record_type, mapping=mapping)
    assert plan.invalid == []
    apply_plan(desk, plan)
    return people(desk)


def test_google_current_with_extension_address_website_department(desk: Desk) -> None:
    found = imported(desk, "google-contacts.csv", "google")
    assert found == {
        "Dr. Amina Yusuf": {
            "name": "Dr. Amina Yusuf", "organization": "Mercy General Hospital",
            "department": "Community Benefit", "role": "Director of Community Health",
            "emails": [("amina.yusuf@mercy.example", "work")],
            "phones": [("+16175550140", "work", "42"), ("+16175550141", "mobile", ""),
                       ("+16175550149", "fax", "")],
            "addresses": [address("work", "200 Harbor Way\nSuite 300", "Boston", "MA",
                                  "02110", "US")],
            "websites": [("https://mercy.example/people/yusuf", "work")],
            "notes": "Co-chairs the health fair.", "tags": ["Hospital partners"]},
        "Tomás Herrera": {
            "name": "Tomás Herrera", "organization": "Eastside Food Pantry",
            "department": "", "role": "", "emails": [("tomas@pantry.example", "home")],
            "phones": [("+16175550177", "pager", "")],
            # only the formatted text: kept whole in the street lines
            "addresses": [address("home", "14 Elm St\nSomerville, MA 02143")],
            "websites": [], "notes": "", "tags": []}}


def test_google_older(desk: Desk) -> None:
    [grace] = imported(desk, "google-contacts-older.csv", "google-older").values()
    assert grace == {
        "name": "Grace Okafor", "organization": "St. Brigid's Parish",
        "department": "Health Ministry", "role": "Health Ministry Coordinator",
        "emails": [("grace@stbrigid.example", "work")],
        "phones": [("+16175550160", "work", "7"), ("+16175550169", "fax", "")],
        "addresses": [address("work", "5 Church Sq\nPO Box 12", "Boston", "MA", "02118",
                              "United States")],
        "websites": [("https://stbrigid.example/grace", "home")],
        "notes": "", "tags": ["Board"]}


def with_delimiter(name: str, encoding: str, delimiter: str, tmp_path: Path) -> str:
    """The export as the program writes it where the list separator is `delimiter`."""
    source = EXPORTS / name
    text = source.read_text(encoding=encoding)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if ";" in
                           text.splitlines()[0] else ","))
    if delimiter == ("," if "," in text.splitlines()[0] else ";"):
        return name
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return str(path)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_outlook_desktop_with_business_address(desk: Desk, tmp_path: Path,
                                               delimiter: str) -> None:
    """Outlook for Windows writes the list separator of the region (a semicolon in much
    of Europe), in the Windows code page."""
    name = with_delimiter("outlook-desktop.csv", "cp1252", delimiter, tmp_path)
    assert open_csv(EXPORTS / name, "contact").table.delimiter == delimiter
    plan = plan_csv(desk, EXPORTS / name, "contact")
    # columns Outlook fills in every row with its defaults (Gender, Priority…) say nothing
    assert plan.not_imported == ["Assistant's Phone", "E-mail Display Name"]
    found = imported(desk, name, "outlook")
    assert found["Ms. Lena Fischer"] == {
        "name": "Ms. Lena Fischer", "organization": "Riverside Family Clinic",
        "department": "Patient Navigation", "role": "Navigator",
        "emails": [("lena.fischer@riverside.example", "work")],
        "phones": [("+16175550120", "work", "215"), ("+16175550121", "mobile", ""),
                   ("+16175550129", "fax", ""), ("+16175550128", "pager", "")],
        "addresses": [address("work", "80 River Rd\nBuilding B", "Cambridge", "MA", "02139",
                              "United States of America")],
        "websites": [("https://riverside.example/navigation", "work")],
        "notes": "Speaks German and English.", "tags": ["Clinic", "Navigators"]}
    assert found["Kwame Mensah"] == {
        "name": "Kwame Mensah", "organization": "Northside Food Bank", "department": "",
        "role": "", "emails": [("kwame@northside.example", "work")],
        "phones": [("+17815550190", "home", "")],
        "addresses": [address("home", "9 Maple Ave", "Malden", "MA", "02148")],
        "websites": [], "notes": "", "tags": []}


@pytest.mark.parametrize("delimiter", [";", ","])
def test_outlook_com_with_semicolons_or_commas(desk: Desk, tmp_path: Path,
                                               delimiter: str) -> None:
    """Outlook.com writes semicolons where the region's list separator is one (France),
    commas elsewhere: the same file both ways."""
    name = with_delimiter("outlook-com-semicolons.csv", "utf-8-sig", delimiter, tmp_path)
    source = open_csv(EXPORTS / name, "contact")
    assert source.table.delimiter == delimiter
    [sophie] = imported(desk, name, "outlook.com").values()
    assert sophie == {
        "name": "Sophie Martin", "organization": "Mairie du 11e",
        "department": "Santé publique", "role": "Adjointe santé",
        "emails": [("sophie.martin@mairie.example", "work"), ("sophie@perso.example", "other")],
        "phones": [("+33123456789", "work", ""), ("+33612345678", "mobile", ""),
                   ("+33123456780", "fax", "")],
        "addresses": [address("work", "12 place Léon-Blum", "Paris", "", "75011", "France")],
        "websites": [("https://sophie.example", "home")],
        "notes": "Réunion mensuelle; le premier lundi.", "tags": []}


def test_thunderbird_keeps_every_email(desk: Desk) -> None:
    plan = plan_csv(desk, EXPORTS / "thunderbird.csv", "contact")
    assert plan.not_imported == ["Birth Year", "Custom 1"]
    found = imported(desk, "thunderbird.csv", "thunderbird")
    assert found["Priya Raman"] == {
        "name": "Priya Raman", "organization": "BrightGrid Backup Power",
        "department": "Emergency Power", "role": "Field Engineer",
        "emails": [("priya@brightgrid.example", "work"), ("priya.raman@home.example", "other")],
        "phones": [("+16175550150", "work", ""), ("+16175550151", "mobile", ""),
                   ("+16175550159", "fax", ""), ("+16175550158", "pager", "")],
        "addresses": [address("work", "1 Power Plaza\nFloor 2", "Boston", "MA", "02210",
                              "USA")],
        "websites": [("https://brightgrid.example", "work")],
        "notes": "On call during heat waves.", "tags": []}
    assert found["Jonas Berg"] == {
        "name": "Jonas Berg", "organization": "Lakeview School District", "department": "",
        "role": "", "emails": [("jonas.berg@schools.example", "work")], "phones": [],
        "addresses": [], "websites": [], "notes": "", "tags": []}


def test_apple_contacts_labels(desk: Desk) -> None:
    [noor] = imported(desk, "apple-contacts.txt", "apple").values()
    assert noor == {
        "name": "Noor Haddad", "organization": "City Health Department",
        "department": "Surveillance", "role": "Epidemiologist",
        "emails": [("noor.haddad@city.example", "work"), ("noor@home.example", "home")],
        "phones": [("+16175550133", "work", "9"), ("+16175550134", "mobile", ""),
                   ("+16175550139", "fax", "")],
        "addresses": [address("work", "1010 Massachusetts Ave", "Boston", "MA", "02118",
                              "USA")],
        "websites": [("https://city.example/health", "work")],
        "notes": "Flu season lead.", "tags": []}


def test_linkedin_connections_after_its_notes(desk: Desk) -> None:
    plan = plan_csv(desk, EXPORTS / "linkedin-connections.csv", "contact")
    assert [row.row for row in plan.rows] == [5, 6]  # as a spreadsheet numbers them
    assert plan.not_imported == ["Connected On"]
    assert imported(desk, "linkedin-connections.csv", "linkedin") == {
        "Daniel Cho": {
            "name": "Daniel Cho", "organization": "Harbor Community Foundation",
            "department": "", "role": "Program Officer, Health Equity",
            "emails": [("daniel.cho@harborfoundation.example", "work")], "phones": [],
            "addresses": [], "websites": [("https://www.linkedin.com/in/daniel-cho-0a1b2c",
                                           "other")], "notes": "", "tags": []},
        "Maria Silva": {  # LinkedIn leaves out the address of who did not allow it
            "name": "Maria Silva", "organization": "Lakeview School District",
            "department": "", "role": "School Nurse", "emails": [], "phones": [],
            "addresses": [], "websites": [("https://www.linkedin.com/in/mariasilva", "other")],
            "notes": "", "tags": []}}


def test_civicrm_contacts(desk: Desk) -> None:
    plan = plan_csv(desk, EXPORTS / "civicrm-contacts.csv", "contact")
    assert plan.notes == [
        "2 rows say “Organization” in the Contact Type column and were left out; import "
        "them as organizations.",
        "1 row says “Household” in the Contact Type column and was left out (households are "
        "neither a person nor an organization)."]
    assert plan.not_imported == ["Contact ID", "Do Not Phone", "Sort Name", "Group(s)"]
    found = imported(desk, "civicrm-contacts.csv", "civicrm")
    assert found == {
        "Mr. Marcus Lee": {  # the Contact ID is not in the name
            "name": "Mr. Marcus Lee", "organization": "Mercy General Hospital",
            "department": "", "role": "Chief Financial Officer",
            "emails": [("marcus.lee@mercy.example", "work")],
            "phones": [("+16175550111", "work", "204")],
            "addresses": [address("work", "200 Harbor Way\nFinance Office", "Boston", "MA",
                                  "02110", "United States")],
            "websites": [("https://mercy.example", "work")],
            "notes": "Prefers e-mail.", "tags": ["Funder", "Board"]},
        "Emi Nakamura": {
            "name": "Emi Nakamura", "organization": "", "department": "", "role": "",
            "emails": [("emi@nakamura.example", "work")],
            "phones": [("+16175550112", "mobile", "")], "addresses": [], "websites": [],
            "notes": "", "tags": []}}


def test_civicrm_organizations(desk: Desk) -> None:
    plan = plan_csv(desk, EXPORTS / "civicrm-contacts.csv", "organization")
    assert plan.invalid == [] and len(plan.rows) == 2
    apply_plan(desk, plan)
    orgs = {o.name: o for o in desk.organizations.list()}
    mercy = orgs["Mercy General Hospital"]
    assert (mercy.address, mercy.phone, mercy.email, mercy.website, mercy.notes) == (
        "200 Harbor Way\nBoston, MA 02110\nUnited States", "+16175550100",
        "info@mercy.example", "https://mercy.example", "Our main hospital partner.")
    assert orgs["Eastside Food Pantry"].address == "14 Elm St\nSomerville, MA 02143"


def test_organizations_address_from_its_parts(desk: Desk) -> None:
    source = open_csv(EXPORTS / "organizations-addresses.csv", "organization")
    assert source.mapping == ["name", "kind", "address:street", "address:city",
                              "address:region", "address:postal_code", "address:country",
                              "phone", "website"]
    apply_plan(desk, plan_csv(desk, EXPORTS / "organizations-addresses.csv", "organization"))
    orgs = {o.name: o for o in desk.organizations.list()}
    assert orgs["Harbor Community Foundation"].address == \
        "1 Federal St\nSuite 900\nBoston, MA 02110\nUSA"
    assert orgs["Harbor Community Foundation"].kind == "funder"
    assert orgs["Lakeview School District"].address == "40 Lake Dr\nLakeview, MA 01001"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def empty_database(path: Path) -> str:
    open_new_desk(path).close()
    return str(path)


def test_map_on_the_command_line_with_a_preview(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("Who,Where,Desk phone,Ext,Fax line,Pager,Shoe size\n"
                    "Ines Duarte,Harbor Clinic,617-555-0101,12,617-555-0109,,38\n"
                    "Omar Said,Harbor Clinic,617-555-0102,,,617-555-0108,44\n", encoding="utf-8")
    db = empty_database(tmp_path / "cli.db")
    code, _, err = run(capsys, "--db", db, "import-csv", str(path))
    assert code == 1 and "No column of “staff.csv” holds people's names" in err
    assert "--map" in err and err.count("\n") == 1
    maps = ["--map", "Who=name", "--map", "Where=organization", "--map", "Desk phone=phone:work",
            "--map", "Ext=phone_extension", "--map", "Fax line=Fax", "--map", "6=phone:pager"]
    code, out, _ = run(capsys, "--db", db, "import-csv", str(path), *maps, "--dry-run")
    assert code == 0 and out.startswith("This file looks like: columns matched by their names.")
    assert "Would import: 2 new" in out and "Not imported: Shoe size." in out
    assert "  row 2: “Ines Duarte”, organization Harbor Clinic, phones +16175550101 ext. 12 " \
           "(work); +16175550109 (fax)\n" in out
    with Desk.open(Path(db)) as desk:
        assert desk.contacts.count() == 0  # a dry run
    code, out, _ = run(capsys, "--db", db, "import-csv", str(path), *maps, "--json")
    assert json.loads(out) == {"new": 2, "merged": 0, "skipped": 0, "invalid": 0,
                               "not_imported": ["Shoe size"]}
    with Desk.open(Path(db)) as desk:
        found = people(desk)
    assert found["Ines Duarte"]["phones"] == [("+16175550101", "work", "12"),
                                              ("+16175550109", "fax", "")]
    assert found["Omar Said"]["phones"] == [("+16175550102", "work", ""),
                                            ("+16175550108", "pager", "")]


@pytest.mark.parametrize("name, label", [
    ("google-contacts.csv", "Google Contacts export"),
    ("google-contacts-older.csv", "Google Contacts export (older layout)"),
    ("outlook-desktop.csv", "Outlook export"), ("outlook-com-semicolons.csv",
                                               "Outlook.com export"),
    ("thunderbird.csv", "Thunderbird address book export"),
    ("apple-contacts.txt", "Apple Contacts columns"),
    ("linkedin-connections.csv", "LinkedIn connections export"),
    ("civicrm-contacts.csv", "CiviCRM contacts export"),
])
def test_the_preview_says_which_layout_it_recognised(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     name: str, label: str) -> None:
    code, out, _ = run(capsys, "--db", empty_database(tmp_path / "cli.db"), "import-csv",
                       str(EXPORTS / name), "--dry-run")
    assert code == 0 and out.splitlines()[0] == f"This file looks like: {label}."


@pytest.mark.parametrize("argument, message", [
    ("Phone number=name", "has no column “Phone number”. Its columns are: Who, Mail"),
    ("Who=favourite colour", "“favourite colour” is not a field PartnerDesk can fill"),
    ("Who", "is not COLUMN=field"),
])
def test_a_bad_map_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              argument: str, message: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Who,Mail\nAnn,ann@example.org\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", empty_database(tmp_path / "cli.db"), "import-csv",
                       str(path), "--map", argument)
    assert code == 1 and message in err


@pytest.mark.parametrize("content, message", [
    ("Dear partners,\nhere are the notes from Tuesday.\n", "holds people's names"),
    ("Meeting notes from Tuesday\nWe talked about the food drive\n", "is not a table"),
    ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n", "is an address book of vCards"),
    ("Name,Mail\nAnn,a,b,c,d\nBob,b,c,d,e\nCy,c,d,e,f\n", "is not a table PartnerDesk can read"),
    ("Favourite colour,Shoe size\nblue,38\n", "holds people's names"),
])
def test_files_that_cannot_be_imported_are_refused_and_nothing_recorded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str,
        message: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(content, encoding="utf-8")
    db = empty_database(tmp_path / "cli.db")
    for extra in ([], ["--valid-only"], ["--dry-run"]):
        code, out, err = run(capsys, "--db", db, "import-csv", str(path), *extra)
        assert (code, out) == (1, "") and message in err and err.count("\n") == 1
    with Desk.open(Path(db)) as desk:
        assert desk.contacts.count() == 0 and list_imports(desk) == []


def test_an_import_where_no_row_can_be_imported_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Name,E-mail\nAnn,not-an-address\nBob,also bad\n", encoding="utf-8")
    plan = plan_csv(desk, path, "contact")
    before = records_digest(desk)
    with pytest.raises(ImportFileError, match="None of the 2 rows"):
        apply_plan(desk, plan, valid_only=True)
    assert records_digest(desk) == before
