"""vCards as Android, Lotus Notes, Thunderbird (its MoreFunctionsForAddressBook extension)
and Gmail write them, and the RFC 2426 examples: sample files of the ez-vcard project
(tests/data/ez-vcard), imported into an empty database through the services (and once
through `import-vcard`) and checked field by field.

What PartnerDesk has no field for is left out knowingly, and what of it a person typed
is named in the preview and the result (`not_imported`): nicknames, birthdays and other
dates, phonetic names, related people, instant-messaging handles, photos, GEO and TZ. The
writing program's bookkeeping goes unnamed: LABEL (the address is read from ADR), CLASS,
SORT-STRING, SOURCE, MAILER, NAME, PRODID, X-ABUID. A card's ROLE is its role only when
it has no TITLE; Lotus Notes writes both, and the ROLE is then named as not imported."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import vobject

from partnerdesk.cli import main
from partnerdesk.services import Desk
from tests.contacts.conftest import EZ_VCARD, address, people

ANDROID = EZ_VCARD / "John_Doe_ANDROID.vcf"
LOTUS_NOTES = EZ_VCARD / "John_Doe_LOTUS_NOTES.vcf"
N = "Ñ"


def imported(desk: Desk, path: Path, duplicates: dict[int, str] | None = None
             ) -> dict[str, dict[str, Any]]:
    """Every card of the file in, none with a problem, through the services; cards taken
    for an earlier card of the file (`duplicates`: card -> reason) are added all the same,
    as a person who sees they are not the same can choose."""
    plan = desk.interchange.plan_vcard(path)
    assert plan.notes == []  # every card was read
    assert [(row.row, row.problems) for row in plan.invalid] == []
    assert {row.row: row.reason for row in plan.rows if row.duplicate} == (duplicates or {})
    plan.set_duplicate_action("add")
    result = desk.interchange.apply(plan)
    assert result.counts == {"new": len(plan.rows), "merged": 0, "skipped": 0, "invalid": 0}
    return people(desk)


def nothing(**fields: Any) -> dict[str, Any]:
    """A contact with only the given fields filled."""
    return {"name": "", "organization": "", "department": "", "role": "", "emails": [],
            "phones": [], "addresses": [], "websites": [], "notes": "", "tags": [], **fields}


@pytest.mark.parametrize("path, raw_error", [
    (ANDROID, "Failed to parse line"),  # a quoted-printable soft line break
    (LOTUS_NOTES, "already has a PROFILE"),
])
def test_vobject_alone_refuses_these_files_whole(path: Path, raw_error: str) -> None:
    """Why the cards are prepared before vobject reads them (sharing/vcard_text.py)."""
    with pytest.raises(Exception, match=raw_error):
        list(vobject.readComponents(path.read_text(encoding="utf-8", errors="replace"),
                                    ignoreUnreadable=False))


def test_android(desk: Desk) -> None:
    """vCard 2.1: six cards, names in quoted-printable UTF-8 over soft line breaks, two
    NOTEs, two and three ORGs (the first is kept; one ends in a byte that is no UTF-8),
    a base64 photo ended by a blank line, and an EMAIL holding no address. Cards 4 and 5
    share the number 123456, so the preview offers card 5 as the same person as card 4."""
    found = imported(desk, ANDROID, {5: "same phone 123456"})
    assert found == {
        # no name on the card: the e-mail names it
        "john.doe@company.com": nothing(name="john.doe@company.com",
                                        emails=[("john.doe@company.com", "work")],
                                        tags=["My Contacts"]),
        "jane.doe@company.com": nothing(name="jane.doe@company.com",
                                        emails=[("jane.doe@company.com", "work")],
                                        tags=["My Contacts"]),
        # FN ("Ñ Ñ Ñ Ñ Ñ ") wins over N (family "Ñ Ñ Ñ Ñ ")
        "Ñ Ñ Ñ Ñ Ñ": nothing(name="Ñ Ñ Ñ Ñ Ñ", phones=[("123456789", "mobile", "")],
                             tags=["My Contacts"]),
        " ".join([N] * 11): nothing(
            name=" ".join([N] * 11),
            phones=[("123456", "mobile", ""), ("234567", "home", ""),
                    ("3456789", "mobile", ""), ("45678901", "home", "")],
            # each NOTE over three lines joined at its soft breaks (no space there)
            notes="\n".join(["Ñ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ"] * 2),
            tags=["My Contacts"]),
        "Ñ Ñ Ñ Ñ": nothing(
            name="Ñ Ñ Ñ Ñ", organization=N * 12, emails=[("bob@company.com", "work")],
            phones=[("123456", "mobile", ""), ("123456", "work", ""), ("123456", "fax", "")],
            websites=[("www.company.com", "work"), ("http://www.company.com", "work")],
            # the second EMAIL holds no address: kept where a person sees it
            notes=f"E-mail on the card that is not an address: {N * 14}"),  # no CATEGORIES
        N * 4: nothing(name=N * 4, organization=N * 44, emails=[("henry@company.com", "work")],
                       phones=[("55556666", "mobile", "")], tags=["My Contacts"]),
    }


def test_android_email_that_is_no_address_is_said_in_the_preview(desk: Desk) -> None:
    plan = desk.interchange.plan_vcard(ANDROID)
    [bob] = [row for row in plan.rows if row.row == 5]
    assert f"E-mail: “{N * 14}” is not an e-mail address (it has no @); it was put in " \
           "the notes." in bob.warnings


def test_lotus_notes(desk: Desk) -> None:
    """vCard 3.0 with PROFILE, GEO, TZ, CLASS, LABEL, NAME, a grouped address and website
    (Apple labels), a 13 kB photo, a folded X- property and a UID that is a UUID."""
    plan = desk.interchange.plan_vcard(LOTUS_NOTES)
    assert [row.record_id for row in plan.rows] == ["0e7602cc-443e-4b82-b4b1-90f62f99a199"]
    [john] = imported(desk, LOTUS_NOTES).values()
    [note_line] = [line for line in LOTUS_NOTES.read_text(encoding="utf-8").splitlines()
                   if line.startswith("NOTE:")]
    notes = john["notes"]
    # one line in the file, its "\n" lines, "\," and "\;" read as the text they stand for
    assert notes == note_line.removeprefix("NOTE:").replace("\\n", "\n") \
        .replace("\\,", ",").replace("\\;", ";")
    assert notes.count("\n") == 10 and notes.endswith(" POSSIBILITY OF SUCH DAMAGE.")
    assert john == nothing(
        name="Mr. Doe John I Johny",  # FN as written (N is Doe;John;Johny;Mr.;I)
        organization="IBM", department="SUN",  # ORG:IBM;SUN
        role="Generic Accountant",  # TITLE; ROLE "Counting Money" comes second
        emails=[("john.doe@ibm.com", "work"), ("billy_bob@gmail.com", "work")],
        phones=[("+1 (212) 204-34456", "mobile", ""),  # one digit too many: kept as typed
                ("00-1-212-555-7777", "fax", "")],
        # item1.ADR;type=HOME: the street's "\n" and the typo "floo r" as written
        addresses=[address("home", "25334\nSouth cresent drive, Building 5, 3rd floo r",
                           "New York", "New York", "NYC887", "U.S.A.")],
        websites=[("http://www.sun.com", "home")],  # labelled _$!<HomePage>!$_
        notes=notes)
    [contact] = desk.contacts.list()
    assert contact.id == "0e7602cc-443e-4b82-b4b1-90f62f99a199"


def test_thunderbird_more_functions_for_address_book(desk: Desk) -> None:
    """vCard 3.0 with CHARSET on text properties, five e-mails, fax and pager, two typed
    addresses and websites, escaped commas in CATEGORIES, and a photo folded with bare
    line feeds inside a file of CR LF lines."""
    [john] = imported(
        desk, EZ_VCARD / "thunderbird-MoreFunctionsForAddressBook-extension.vcf").values()
    assert john == nothing(
        name="John Doe", organization="TheOrganization", department="TheDepartment",
        role="TheTitle",
        emails=[("doe.john@hotmail.com", "work"), ("additional-email@company.com", "work"),
                ("additional-email1@company.com", "work"),
                ("additional-email2@company.com", "work"),
                ("additional-email3@company.com", "work")],
        phones=[("555-555-1111", "work", ""), ("555-555-2222", "home", ""),
                ("555-555-5555", "mobile", ""), ("555-555-3333", "fax", ""),
                ("555-555-4444", "pager", "")],
        # ";222 Broadway;Suite 100;…": the extended address first, then the street
        addresses=[address("work", "222 Broadway\nSuite 100", "New York", "NY", "98765", "USA"),
                   address("home", "123 Main St\nApt 10", "Austin", "TX", "12345", "USA")],
        websites=[("http://www.private-webpage.com", "home"),
                  ("http://www.work-webpage.com", "work")],
        notes="This is the notes field.\nSecond Line\n\nFourth Line\nYou can put anything "
              "in the \"note\" field; even curse words.",
        tags=["category1", "category2", "category3"])


def test_gmail_single(desk: Desk) -> None:
    """Gmail's 3.0 card: Apple labels on grouped properties (GRAND_CENTRAL, PROFILE,
    CustomAdrType), a home address all in its street part, "http\\://", a folded note."""
    [greg] = imported(desk, EZ_VCARD / "gmail-single.vcf").values()
    assert greg == nothing(
        name="Greg Dartmouth", organization="TheCompany", role="TheJobTitle",
        emails=[("gdartmouth@hotmail.com", "work")],
        phones=[("555 555 1111", "mobile", ""), ("555 555 2222", "other", "")],
        addresses=[address("home", "123 Home St\nHome City, HM 12345"),
                   address("other", "321 Custom St", "Custom City", "TX", "98765", "USA")],
        websites=[("http://TheProfile.com", "other")],
        notes="This is GMail's note field.\nIt should be added as a NOTE type.\n"
              "ACustomField: CustomField")  # folded inside "ACust|omField"


def test_rfc2426_examples(desk: Desk) -> None:
    """The two cards of RFC 2426 section 7: "BEGIN:vCard", bare line feeds, addresses
    folded inside a component, TYPE lists (VOICE,MSG,WORK)."""
    assert imported(desk, EZ_VCARD / "rfc2426-example.vcf") == {
        "Frank Dawson": nothing(
            name="Frank Dawson", organization="Lotus Development Corporation",
            # the domain of an address is written in small letters (case means nothing there)
            emails=[("Frank_Dawson@lotus.com", "work"), ("fdawson@earthlink.net", "work")],
            phones=[("+19196769515", "work", ""), ("+19196769564", "fax", "")],
            addresses=[address("work", "6544 Battleford Drive", "Raleigh", "NC", "27613-3502",
                               "U.S.A.")],
            websites=[("http://home.earthlink.net/~fdawson", "work")]),
        "Tim Howes": nothing(
            name="Tim Howes", organization="Netscape Communications Corp.",
            emails=[("howes@netscape.com", "work")],
            phones=[("+14159373419", "work", ""), ("+14155284164", "fax", "")],
            addresses=[address("work", "501 E. Middlefield Rd.", "Mountain View", "CA",
                               "94043", "U.S.A.")])}


@pytest.mark.parametrize("name, not_imported", [
    ("John_Doe_ANDROID.vcf", ["Photo"]),
    ("John_Doe_LOTUS_NOTES.vcf", ["Birthday", "Nickname", "Photo", "Position on a map",
                                  "Role (besides the title)", "Time zone"]),
    ("thunderbird-MoreFunctionsForAddressBook-extension.vcf", [
        "Anniversary", "Birthday", "Nickname", "Photo", "Related people"]),  # X-SPOUSE
    ("gmail-single.vcf", ["Birthday", "Instant messaging", "Nickname",  # X-ICQ
                          "Other dates", "Phonetic name", "Related people"]),
    ("rfc2426-example.vcf", []),
])
def test_what_has_no_field_here_is_named(desk: Desk, name: str,
                                         not_imported: list[str]) -> None:
    plan = desk.interchange.plan_vcard(EZ_VCARD / name)
    assert plan.not_imported == not_imported
    plan.set_duplicate_action("add")
    assert desk.interchange.apply(plan).not_imported == not_imported


def android_with_a_broken_card(tmp_path: Path) -> Path:
    """The Android file with its fourth card broken (an unfinished BEGIN:VEVENT inside it,
    which vobject cannot read)."""
    text = ANDROID.read_bytes().decode("utf-8", errors="surrogateescape")
    cards = text.split("END:VCARD\r\n")
    cards[3] += "BEGIN:VEVENT\r\n"
    path = tmp_path / "android.vcf"
    path.write_bytes("END:VCARD\r\n".join(cards).encode("utf-8", errors="surrogateescape"))
    return path


def test_a_card_that_cannot_be_read_is_named_and_the_others_come_in(desk: Desk,
                                                                     tmp_path: Path) -> None:
    plan = desk.interchange.plan_vcard(android_with_a_broken_card(tmp_path))
    [note] = plan.notes
    assert re.fullmatch(r"Card 4 \(“Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ”\) could not be read and was left "
                        r"out \(.+\)\.", note), note
    result = desk.interchange.apply(plan)
    assert result.counts["new"] == 5 and result.notes == [note]
    assert sorted(people(desk)) == sorted(["john.doe@company.com", "jane.doe@company.com",
                                           "Ñ Ñ Ñ Ñ Ñ", "Ñ Ñ Ñ Ñ", N * 4])


def test_import_vcard_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command line on a new database: the Android file in whole; then the file with
    a broken card names it in its report and brings the rest."""
    for name in ("a.db", "b.db"):
        assert main(["--db", str(tmp_path / name), "init", "--our-name", "Our Group"]) == 0
    capsys.readouterr()
    assert main(["--db", str(tmp_path / "a.db"), "import-vcard", str(ANDROID), "--json"]) == 0
    # card 5 shares card 4's number: merged into it unless a person says otherwise
    assert json.loads(capsys.readouterr().out) == {"new": 5, "merged": 1, "skipped": 0,
                                                   "invalid": 0, "not_imported": ["Photo"]}
    assert main(["--db", str(tmp_path / "b.db"), "import-vcard", str(ANDROID), "--json",
                 "--on-duplicate", "add", "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out) == {"new": 6, "merged": 0, "skipped": 0,
                                                   "invalid": 0, "not_imported": ["Photo"]}
    broken = android_with_a_broken_card(tmp_path)
    assert main(["--db", str(tmp_path / "b.db"), "import-vcard", str(broken)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Imported: 5 new, 0 merged with existing records, 0 skipped, 0 with " \
                     "problems."
    assert out[1] == "Not imported: Photo."
    assert out[2].startswith("  Card 4 (“Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ”) could not be read and was "
                             "left out (")
