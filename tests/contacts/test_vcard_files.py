"""vCards as an iPhone, a BlackBerry, Outlook (2003, 2007 and a later one), the Mac address
book, Evolution, Gmail and FullContact write them, and the RFC 6350 example as ez-vcard
writes it back: sample files of the ez-vcard and iCal4j vCard projects (tests/data/ez-vcard,
tests/data/ical4j-vcard), imported into an empty database and checked field by field.
The Android, Lotus Notes, Thunderbird, Gmail single-card and RFC 2426 files have their own
module, test_vcard_phone_and_mailer_files.py; every file of the folder is counted here."""

from pathlib import Path
from typing import Any

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing.import_common import apply_plan
from partnerdesk.sharing.vcard import plan_vcard
from tests.contacts.conftest import DATA, EZ_VCARD, address, people

EVERY_FILE = sorted(path.name for path in EZ_VCARD.glob("*.vcf"))
OUTLOOK_2003 = DATA / "ical4j-vcard" / "vcard-antoni-outlook2003.vcf"
# Cards with a problem for a person to fix (not a reading failure), by file: none of these.
CARDS_WITH_PROBLEMS: dict[str, list[int]] = {}
# Cards the preview takes for an earlier card of the same file (merged into it by default),
# by file: Android's cards 4 and 5 share the number 123456.
SAME_AS_AN_EARLIER_CARD = {"John_Doe_ANDROID.vcf": 1}


def imported(desk: Desk, name: str) -> dict[str, dict[str, Any]]:
    plan = plan_vcard(desk, EZ_VCARD / name)
    assert plan.notes == []  # vobject read every card
    assert [row.row for row in plan.invalid] == CARDS_WITH_PROBLEMS.get(name, [])
    apply_plan(desk, plan, valid_only=True)
    return people(desk)


@pytest.mark.parametrize("name", EVERY_FILE)
def test_every_card_of_every_sample_comes_in(desk: Desk, name: str) -> None:
    cards = (EZ_VCARD / name).read_text(encoding="utf-8", errors="replace").upper() \
        .count("BEGIN:VCARD")
    result = apply_plan(desk, plan_vcard(desk, EZ_VCARD / name), valid_only=True)
    assert result.notes == []
    assert result.counts["new"] == cards - len(CARDS_WITH_PROBLEMS.get(name, [])) \
        - SAME_AS_AN_EARLIER_CARD.get(name, 0)
    assert result.counts["merged"] == SAME_AS_AN_EARLIER_CARD.get(name, 0)
    assert desk.contacts.count() == result.counts["new"]


def test_iphone(desk: Desk) -> None:
    """iOS 5: grouped e-mail, URL and phone with Apple labels, "http\\://", a 45 kB photo."""
    [john] = imported(desk, "John_Doe_IPHONE.vcf").values()
    assert john == {
        "name": "Mr. John Richter James Doe Sr.", "organization": "IBM",
        "department": "Accounting", "role": "Money Counter",
        "emails": [("john.doe@ibm.com", "work")],
        "phones": [("+19055551234", "mobile", ""), ("+19056661234", "home", ""),
                   ("+19057771234", "work", ""), ("+19058881234", "fax", ""),
                   ("+19059991234", "fax", ""), ("905-111-1234", "pager", ""),
                   # item2.TEL labelled AssistantPhone: not this person's own kind
                   ("+19052221234", "other", "")],
        "addresses": [address("home", "Silicon Alley 5,", "New York", "New York", "12345",
                              "United States of America"),
                      address("work", "Street4\nBuilding 6\nFloor 8", "New York", "", "12345",
                              "USA")],
        "websites": [("http://www.ibm.com", "home")],  # "http\://", labelled HomePage
        "notes": "", "tags": []}


def test_blackberry(desk: Desk) -> None:
    """vCard 2.1 with a base64 photo on one line and an empty NOTE."""
    [john] = imported(desk, "John_Doe_BLACK_BERRY.vcf").values()
    assert john == {
        "name": "John Doe", "organization": "Acme Solutions", "department": "", "role": "",
        "emails": [], "phones": [("+96123456789", "mobile", "")], "addresses": [],
        "websites": [], "notes": "", "tags": []}


def test_outlook_with_its_card_design(desk: Desk) -> None:
    """vCard 2.1 with Outlook's X-MS-OL-DESIGN markup, LABELs in quoted-printable and a
    photo; the TITLE is the role (ROLE "Counting Money" comes second)."""
    [john] = imported(desk, "John_Doe_MS_OUTLOOK.vcf").values()
    notes = john.pop("notes")
    assert john == {
        "name": "Mr. John Richter James Doe Sr.", "organization": "IBM",
        "department": "Accounting", "role": "Money Counter",
        "emails": [("john.doe@ibm.cm", "work")],
        "phones": [("+19055551234", "work", ""), ("+19056661234", "home", "")],
        "addresses": [address("work", "Cresent moon drive", "Albaney", "New York", "12345",
                              "United States of America"),
                      address("home", "Silicon Alley 5,", "New York", "New York", "12345",
                              "United States of America")],
        "websites": [("http://www.ibm.com", "work")], "tags": []}
    [note_line] = [line for line in (EZ_VCARD / "John_Doe_MS_OUTLOOK.vcf").read_text(
        encoding="utf-8").splitlines() if line.startswith("NOTE:")]
    assert notes == note_line.removeprefix("NOTE:")  # one line, as written
    assert notes.startswith("THIS SOFTWARE IS PROVIDED BY GEORGE EL-HADDAD ''AS IS'' AND ANY")


def test_outlook_2007(desk: Desk) -> None:
    """A quoted-printable note over four lines, a certificate (KEY) and a photo."""
    [mike] = imported(desk, "outlook-2007.vcf").values()
    assert mike == {
        "name": "Mr. Michael Angstadt Jr.", "organization": "TheCompany",
        "department": "TheDepartment", "role": "TheJobTitle",
        "emails": [("mike.angstadt@gmail.com", "work")],
        # (111) is no area code: kept as written
        "phones": [("(111) 555-1111", "work", ""), ("(111) 555-2222", "home", ""),
                   ("(111) 555-4444", "mobile", ""), ("(111) 555-3333", "fax", "")],
        "addresses": [address("work", "TheOffice\n222 Broadway", "New York", "NY", "99999",
                              "USA")],
        "websites": [("http://mikeangstadt.name", "home"), ("http://mikeangstadt.name", "work")],
        "notes": "This is the NOTE field\t\nI assume it encodes this text inside a NOTE vCard "
                 "type.\nBut I'm not sure because there's text formatting going on here.\nIt "
                 "does not preserve the formatting",
        "tags": []}


def test_outlook_2003(desk: Desk) -> None:
    """iCal4j's Outlook 2003 card: name parts, an office number in the address, a label
    with a Latin-2 byte and no charset (labels are not read)."""
    plan = plan_vcard(desk, OUTLOOK_2003)
    assert plan.notes == [] and plan.invalid == []
    apply_plan(desk, plan)
    assert people(desk) == {"Antoni Jozef Mylka jun.": {
        "name": "Antoni Jozef Mylka jun.", "organization": "DFKI",
        "department": "Knowledge-Management", "role": "Intern",
        "emails": [("antoni_mylka@somedomain.com", "work")],
        "phones": [("49 631 234 341", "work", ""), ("48 691 342 341", "home", ""),
                   ("48 91 3 175 234", "mobile", "")],
        "addresses": [address("work", "3.10\nTrippstadter Str. 122", "Kaiserslautern",
                              "Rheinland-Pfalz", "67663", "Deutschland"),
                      address("home", "Budryka 2/1110", "Krakow", "malopolskie", "30-072",
                              "Polen")],
        "websites": [("http://antoni.mylka.com", "work")],
        "notes": "These are some notes about antoni.", "tags": []}}


def test_a_vcard_21_org_with_a_comma_stays_whole(desk: Desk, tmp_path: Path) -> None:
    """In 2.1 a comma is plain text: Outlook writes "ORG:Company, The;TheDepartment"."""
    path = tmp_path / "outlook.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John\r\nFN:John Doe\r\n"
                     b"ORG:Company, The;TheDepartment\r\nTITLE:Director, Outreach\r\n"
                     b"END:VCARD\r\n")
    apply_plan(desk, plan_vcard(desk, path))
    john = people(desk)["John Doe"]
    assert (john["organization"], john["department"], john["role"]) == (
        "Company, The", "TheDepartment", "Director, Outreach")


def test_thunderbird_21_card_with_a_bare_quoted_printable_parameter(desk: Desk,
                                                                     tmp_path: Path) -> None:
    """The layout of the cards Thunderbird attaches to its mails (made-up data): lower-case
    names, VERSION last, and "org;quoted-printable:" (2.1 lets a parameter's value stand
    alone) whose value goes on after a soft line break. The organization was cut at the
    break and the department lost."""
    path = tmp_path / "stefan.vcf"
    path.write_bytes(
        b"begin:vcard\r\nfn:Stefan Example\r\nn:Example;Stefan\r\n"
        b"org;quoted-printable:HT Studios =C2=B7 Software-Engin=\r\neering;Founder\r\n"
        b"adr;quoted-printable:;;Gabelsbergerstr. 8/4;Villach;K=C3=A4rnten;9500;AT\r\n"
        b"email;internet:stefan@example.org\r\ntitle:Senior System Engineer\r\n"
        b"tel;work:+49 271 771091 12\r\ntel;fax:+49-271-771091-19\r\n"
        b"tel;cell:0680 233 13 04\r\nx-mozilla-html:FALSE\r\nurl:http://www.example.de\r\n"
        b"version:2.1\r\nx-mozilla-cpt:;-7008\r\nend:vcard\r\n")
    plan = plan_vcard(desk, path)
    assert plan.notes == [] and plan.invalid == []
    apply_plan(desk, plan)
    assert people(desk) == {"Stefan Example": {
        "name": "Stefan Example", "organization": "HT Studios · Software-Engineering",
        "department": "Founder", "role": "Senior System Engineer",
        "emails": [("stefan@example.org", "work")],
        "phones": [("+4927177109112", "work", ""), ("+4927177109119", "fax", ""),
                   ("0680 233 13 04", "mobile", "")],
        "addresses": [address("work", "Gabelsbergerstr. 8/4", "Villach", "Kärnten", "9500",
                              "AT")],
        "websites": [("http://www.example.de", "work")], "notes": "", "tags": []}}


def test_lotus_notes_and_android_habits(desk: Desk, tmp_path: Path) -> None:
    """What vobject refused whole in the Lotus Notes and Android samples of ez-vcard, in
    cards made up here (the real files are tested in test_vcard_phone_and_mailer_files.py;
    these keep each habit apart, X-ANDROID-CUSTOM among them): PROFILE:VCard ("This
    component already has a PROFILE"), TZ, GEO, CLASS, LABEL, NAME and a folded X-
    property; X-ANDROID-CUSTOM, a byte that is no UTF-8 in a quoted-printable name, and a
    base64 photo ended by a blank line."""
    path = tmp_path / "mixed.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;John;Johny;Mr.;I\r\nFN:Mr. Doe John I Johny\r\n"
        b"ORG:IBM;SUN\r\nTITLE:Generic Accountant\r\n"
        b"EMAIL;type=INTERNET;type=WORK;type=pref:john.doe@ibm.example\r\n"
        b"TEL;type=CELL;type=VOICE;type=pref:+1 (212) 204-34456\r\n"
        b"item1.ADR;type=HOME;type=pref:;;25334\\nSouth cresent drive\\, Building 5;New York;"
        b"New York;NYC887;U.S.A.\r\nGEO:-2.600000;3.400000\r\nCLASS:Public\r\n"
        b"PROFILE:VCard\r\nTZ:1:00\r\nLABEL;TYPE=HOME,PARCEL,PREF:John Doe\\nNew York\r\n"
        b"SORT-STRING:JOHN\r\nROLE:Counting Money\r\nMAILER:Mozilla Thunderbird\r\n"
        b"NAME:VCard for John Doe\r\nX-LONG-STRING:12345678901234567890123456789012345678\r\n"
        b" 90\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=20=C3=91;;;;\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=20=C3=91=80\r\n"
        b"X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;JS;1;;;;;;;;;;;;;\r\n"
        b"TEL;CELL;PREF:123456\r\nTEL;WORK;FAX:123457\r\nURL:www.company.example\r\n"
        b"PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIB\r\n"
        b" AQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkI=\r\n\r\n"
        b"CATEGORIES:My Contacts\r\nEND:VCARD\r\n")
    plan = plan_vcard(desk, path)
    assert plan.notes == [] and plan.invalid == []
    apply_plan(desk, plan)
    assert people(desk) == {
        "Mr. Doe John I Johny": {
            "name": "Mr. Doe John I Johny", "organization": "IBM", "department": "SUN",
            "role": "Generic Accountant", "emails": [("john.doe@ibm.example", "work")],
            "phones": [("+1 (212) 204-34456", "mobile", "")],
            "addresses": [address("home", "25334\nSouth cresent drive, Building 5",
                                  "New York", "New York", "NYC887", "U.S.A.")],
            "websites": [], "notes": "", "tags": []},
        "Ñ Ñ\ufffd": {  # the stray byte shown as such, for a person to see and fix
            "name": "Ñ Ñ\ufffd", "organization": "", "department": "", "role": "",
            "emails": [], "phones": [("123456", "mobile", ""), ("123457", "fax", "")],
            "addresses": [], "websites": [("www.company.example", "work")], "notes": "",
            "tags": ["My Contacts"]}}


def test_thunderbird_cardbook_cards(desk: Desk, tmp_path: Path) -> None:
    """As Thunderbird's CardBook writes them (made-up data): a group in capitals
    (ITEM1.TEL with ITEM1.X-ABLABEL), a photo as an escaped data: URI, and an empty label,
    which says nothing about whose the website is."""
    path = tmp_path / "cardbook.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\n"
        b"PRODID:-//Thunderbird.net/NONSGML Thunderbird CardBook V77.0//EN-US\r\n"
        b"UID:97266d2e-36e7-4fb6-8b6c-bbf57a061685\r\nCATEGORIES:Scouts\r\n"
        b"FN:Ada Silva\r\nN:Silva;Ada;;;\r\nBDAY:20221003\r\nORG:Silva Bakery\r\n"
        b"EMAIL:ada@silva.example\r\nITEM1.TEL:+49 176 70342420\r\n"
        b"ITEM1.X-ABLABEL:eltern\r\nADR:;;Itterstr 3;Solingen;NRW;42719;Germany\r\n"
        b"REV:2022-10-07T14:17:06Z\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:4.0\r\n"
        b"PRODID:-//Thunderbird.net/NONSGML Thunderbird CardBook V83.6//EN-GB\r\n"
        b"UID:5cdac90f-cb4c-4c1c-ad66-fe8591bdf3a2\r\nFN:Ben Okoro\r\n"
        b"EMAIL:ben@example.org\r\n"
        b"PHOTO:data:image/JPEG\\;base64\\,/9j/4AAQSkZJRgABAQAAYABgAAD/2wBDAAgGBgcGBQgHB\r\n"
        b" wcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/\r\n"
        b" /2gAIAQEAAD8AL//Z\r\nitem1.URL:http\\://www.example.com/hello?world\r\n"
        b"item1.X-ABLabel:\r\nEND:VCARD\r\n")
    plan = plan_vcard(desk, path)
    assert plan.notes == [] and plan.invalid == []
    apply_plan(desk, plan)
    found = people(desk)
    assert found["Ada Silva"] == {
        "name": "Ada Silva", "organization": "Silva Bakery", "department": "", "role": "",
        "emails": [("ada@silva.example", "work")],
        "phones": [("+4917670342420", "other", "")],  # labelled "eltern" (parents)
        "addresses": [address("work", "Itterstr 3", "Solingen", "NRW", "42719", "Germany")],
        "websites": [], "notes": "", "tags": ["Scouts"]}
    assert found["Ben Okoro"]["emails"] == [("ben@example.org", "work")]
    assert found["Ben Okoro"]["websites"] == [("http://www.example.com/hello?world", "work")]


def test_mac_address_book(desk: Desk) -> None:
    [john] = imported(desk, "John_Doe_MAC_ADDRESS_BOOK.vcf").values()
    assert john["name"] == "Mr. John Richter,James Doe Sr."  # "Richter\,James"
    assert (john["organization"], john["department"]) == ("IBM", "Accounting")
    assert john["phones"] == [
        ("+19057771234", "work", ""), ("+19056661234", "home", ""),
        ("+19055551234", "mobile", ""), ("+19058881234", "fax", ""),
        ("+19059991234", "fax", ""), ("905-111-1234", "pager", ""),
        ("+19052221234", "other", "")]
    assert john["websites"] == [("http://www.ibm.com", "home")]
    assert john["notes"].startswith("THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND "
                                    "CONTRIBUTORS \"AS IS\" AND ANY EXPRESS")
    assert john["notes"].endswith("POSSIBILITY OF SUCH DAMAGE.\nFavotire Color: Blue")


def test_evolution(desk: Desk) -> None:
    [john] = imported(desk, "John_Doe_EVOLUTION.vcf").values()
    notes = john.pop("notes")
    assert john == {
        "name": "Mr. John Richter, James Doe Sr.", "organization": "IBM",
        "department": "Accounting, Dungeon", "role": "Money Counter",
        "emails": [("john.doe@ibm.com", "work")],
        "phones": [("+19056661234", "mobile", ""), ("+19055551234", "work", "")],
        "addresses": [address("home", "ASB-123\n15 Crescent moon drive", "Albaney", "New York",
                              "12345", "United States of America")],
        "websites": [("http://www.ibm.com", "work")], "tags": ["VIP"]}
    assert notes.endswith("EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.")


def test_gmail_list(desk: Desk) -> None:
    found = imported(desk, "gmail-list.vcf")
    assert {name: p["emails"] for name, p in found.items()} == {
        "Arnold Smith": [("asmithk@gmail.com", "work")],
        "Chris Beatle": [("chrisy55d@yahoo.com", "work")],
        "Doug White": [("dwhite@gmail.com", "work")]}


def test_vcard_4_with_a_tel_uri_extension(desk: Desk) -> None:
    [simon] = imported(desk, "rfc6350-example.roundtrip.vcf").values()
    assert simon == {
        "name": "Simon Perreault", "organization": "Viagenie", "department": "", "role": "",
        "emails": [("simon.perreault@viagenie.ca", "work")],
        "phones": [("+14186569254", "work", "102"), ("+14182626501", "mobile", "")],
        "addresses": [address("work", "Suite D2-630\n2875 Laurier", "Quebec", "QC",
                              "G1V 2M2", "Canada")],
        "websites": [("http://nomis80.org", "home")], "notes": "", "tags": []}


def test_vcard_4_fullcontact(desk: Desk) -> None:
    [card] = imported(desk, "fullcontact.vcf").values()
    assert (card["organization"], card["department"], card["role"]) == (
        "Organization1", "Department1", "Title1")  # the first of two ORG and TITLE
    assert card["emails"] == [("home@example.com", "home"), ("work@example.com", "work"),
                              ("school@example.com", "other"), ("other@example.com", "other"),
                              ("custom@example.com", "other")]
    assert [kind for _, kind, _ in card["phones"]] == [
        "home", "work", "mobile", "mobile", "work", "fax", "fax", "work", "work"]
    assert card["addresses"] == [
        address(kind, f"{word}Extended\n{word}Street", f"{word}City", f"{word}State",
                f"{word}Postal", f"{word}Country")
        for kind, word in (("home", "Home"), ("work", "Work"), ("other", "Other"),
                           ("other", "Custom"))]
    assert [url for url, _ in card["websites"]] == [
        "http://www.homepage.com", "http://www.blog.com", "http://www.other.com",
        "http://www.custom.com"]


def test_second_import_of_the_samples_adds_nothing(desk: Desk, tmp_path: Path) -> None:
    for name in EVERY_FILE:
        apply_plan(desk, plan_vcard(desk, EZ_VCARD / name), valid_only=True)
    count = desk.contacts.count()
    for name in EVERY_FILE:
        result = apply_plan(desk, plan_vcard(desk, EZ_VCARD / name), valid_only=True)
        assert result.counts["new"] == 0, name
    assert desk.contacts.count() == count
