"""vCards as Android, iOS/macOS, Outlook, Lotus Notes, Thunderbird, Evolution, Gmail and
BlackBerry write them: the sample files of the ez-vcard project (tests/data/ez-vcard),
imported into an empty database and checked field by field."""

from pathlib import Path
from typing import Any

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing.import_common import apply_plan
from partnerdesk.sharing.vcard import plan_vcard
from tests.contacts.conftest import EZ_VCARD, address, people

EVERY_FILE = sorted(path.name for path in EZ_VCARD.glob("*.vcf"))
# Cards with a problem for a person to fix (not a reading failure): Android's fifth card
# has an e-mail address made of Ñ only.
CARDS_WITH_PROBLEMS = {"John_Doe_ANDROID.vcf": [5]}


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
    assert result.counts["new"] == cards - len(CARDS_WITH_PROBLEMS.get(name, []))
    assert desk.contacts.count() == result.counts["new"]


def test_iphone(desk: Desk) -> None:
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


def test_lotus_notes(desk: Desk) -> None:
    """Refused whole before ("This component already has a PROFILE")."""
    [john] = imported(desk, "John_Doe_LOTUS_NOTES.vcf").values()
    notes = john.pop("notes")
    assert john == {
        "name": "Mr. Doe John I Johny", "organization": "IBM", "department": "SUN",
        "role": "Generic Accountant",  # TITLE; ROLE (Counting Money) comes second
        "emails": [("john.doe@ibm.com", "work"), ("billy_bob@gmail.com", "work")],
        "phones": [("+1 (212) 204-34456", "mobile", ""), ("00-1-212-555-7777", "fax", "")],
        "addresses": [address("home", "25334\nSouth cresent drive, Building 5, 3rd floo r",
                              "New York", "New York", "NYC887", "U.S.A.")],
        "websites": [("http://www.sun.com", "home")], "tags": []}
    # as ez-vcard reads it, line breaks and folding included
    assert notes.split("\n")[:2] == [
        'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"',
        "AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO , THE"]
    assert len(notes.split("\n")) == 11 and notes.endswith("\n POSSIBILITY OF SUCH DAMAGE.")


def test_android(desk: Desk) -> None:
    """Six cards of vCard 2.1 in quoted-printable UTF-8, one with a byte that is no UTF-8
    and a picture whose base64 vobject cannot decode: refused whole before."""
    found = imported(desk, "John_Doe_ANDROID.vcf")
    assert sorted(found) == sorted(["john.doe@company.com", "jane.doe@company.com",
                                    "Ñ Ñ Ñ Ñ Ñ", "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ", "ÑÑÑÑ"])
    assert found["jane.doe@company.com"]["emails"] == [("jane.doe@company.com", "work")]
    assert found["Ñ Ñ Ñ Ñ Ñ"]["phones"] == [("123456789", "mobile", "")]
    four = found["Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"]
    assert four["phones"] == [("123456", "mobile", ""), ("234567", "home", ""),
                              ("3456789", "mobile", ""), ("45678901", "home", "")]
    note = "Ñ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ"
    assert four["notes"] == f"{note}\n{note}"  # two NOTE properties
    henry = found["ÑÑÑÑ"]
    assert henry["organization"] == "Ñ" * 44  # the first of its three ORG properties
    assert henry["emails"] == [("henry@company.com", "work")]
    assert henry["phones"] == [("55556666", "mobile", "")]
    assert all(p["tags"] == ["My Contacts"] for p in found.values())


def test_android_card_with_a_bad_address_is_named(desk: Desk) -> None:
    plan = plan_vcard(desk, EZ_VCARD / "John_Doe_ANDROID.vcf")
    [bob] = plan.invalid
    assert bob.problems == ["E-mail: “ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ” is not a valid e-mail address (An "
                            "email address must have an @-sign.)."]
    assert bob.values["phones"] == [
        {"number": "123456", "kind": "mobile", "extension": ""},
        {"number": "123456", "kind": "work", "extension": ""},
        {"number": "123456", "kind": "fax", "extension": ""}]
    assert bob.values["websites"] == [{"url": "www.company.com", "kind": "work"},
                                      {"url": "http://www.company.com", "kind": "work"}]
    assert bob.organization == "Ñ" * 12


def test_outlook_2003_org_with_a_comma_stays_whole(desk: Desk) -> None:
    [john] = imported(desk, "outlook-2003.vcf").values()
    assert john == {
        "name": "John Doe III", "organization": "Company, The",
        "department": "TheDepartment", "role": "The Job Title",
        "emails": [("jdoe@hotmail.com", "work")],
        "phones": [("BusinessPhone", "work", ""), ("HomePhone", "home", ""),
                   ("MobilePhone", "mobile", ""), ("BusinessFaxPhone", "fax", "")],
        "addresses": [address("work", "TheOffice\n123 Main St", "Austin", "TX", "12345",
                              "United States of America")],
        "websites": [("http://web-page-address.com", "work")],
        "notes": "This is the note field!!\nSecond line\n\nThird line is empty", "tags": []}


def test_outlook_2007_and_ms_outlook(desk: Desk) -> None:
    found = imported(desk, "outlook-2007.vcf")
    mike = found["Mr. Michael Angstadt Jr."]
    assert (mike["organization"], mike["department"], mike["role"]) == (
        "TheCompany", "TheDepartment", "TheJobTitle")
    assert mike["phones"] == [("(111) 555-1111", "work", ""), ("(111) 555-2222", "home", ""),
                              ("(111) 555-4444", "mobile", ""), ("(111) 555-3333", "fax", "")]
    assert mike["addresses"] == [address("work", "TheOffice\n222 Broadway", "New York", "NY",
                                         "99999", "USA")]
    assert mike["websites"] == [("http://mikeangstadt.name", "home"),
                                ("http://mikeangstadt.name", "work")]
    assert mike["notes"].split("\n") == [
        "This is the NOTE field\t", "I assume it encodes this text inside a NOTE vCard type.",
        "But I'm not sure because there's text formatting going on here.",
        "It does not preserve the formatting"]
    john = imported(desk, "John_Doe_MS_OUTLOOK.vcf")["Mr. John Richter James Doe Sr."]
    assert john["phones"] == [("+19055551234", "work", ""), ("+19056661234", "home", "")]
    assert john["addresses"] == [
        address("work", "Cresent moon drive", "Albaney", "New York", "12345",
                "United States of America"),
        address("home", "Silicon Alley 5,", "New York", "New York", "12345",
                "United States of America")]
    assert john["emails"] == [("john.doe@ibm.cm", "work")]


def test_thunderbird(desk: Desk) -> None:
    [john] = imported(desk, "thunderbird-MoreFunctionsForAddressBook-extension.vcf").values()
    assert john == {
        "name": "John Doe", "organization": "TheOrganization", "department": "TheDepartment",
        "role": "TheTitle",
        "emails": [("doe.john@hotmail.com", "work"), ("additional-email@company.com", "work"),
                   ("additional-email1@company.com", "work"),
                   ("additional-email2@company.com", "work"),
                   ("additional-email3@company.com", "work")],
        "phones": [("555-555-1111", "work", ""), ("555-555-2222", "home", ""),
                   ("555-555-5555", "mobile", ""), ("555-555-3333", "fax", ""),
                   ("555-555-4444", "pager", "")],
        "addresses": [address("work", "222 Broadway\nSuite 100", "New York", "NY", "98765",
                              "USA"),
                      address("home", "123 Main St\nApt 10", "Austin", "TX", "12345", "USA")],
        "websites": [("http://www.private-webpage.com", "home"),
                     ("http://www.work-webpage.com", "work")],
        "notes": "This is the notes field.\nSecond Line\n\nFourth Line\nYou can put anything "
                 "in the \"note\" field; even curse words.",
        "tags": ["category1", "category2", "category3"]}


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


def test_gmail(desk: Desk) -> None:
    [john] = imported(desk, "John_Doe_GMAIL.vcf").values()
    assert (john["name"], john["organization"], john["role"]) == (
        "Mr. John Richter, James Doe Sr.", "IBM", "Money Counter")
    assert john["emails"] == [("john.doe@ibm.com", "home")]
    assert john["phones"] == [("+19055551234", "mobile", ""), ("+19056661234", "home", "")]
    assert john["addresses"][0]["kind"] == "home"
    assert john["addresses"][0]["street"].startswith("Crescent moon drive\n555-asd\n")
    assert john["websites"] == [("http://www.ibm.com", "work")]
    assert john["notes"].endswith("\nFavotire Color: Blue")
    greg = imported(desk, "gmail-single.vcf")["Greg Dartmouth"]
    assert (greg["organization"], greg["role"]) == ("TheCompany", "TheJobTitle")
    assert greg["emails"] == [("gdartmouth@hotmail.com", "work")]
    assert greg["phones"] == [("555 555 1111", "mobile", ""), ("555 555 2222", "other", "")]
    assert greg["addresses"] == [address("home", "123 Home St\nHome City, HM 12345"),
                                 address("other", "321 Custom St", "Custom City", "TX",
                                         "98765", "USA")]
    assert greg["websites"] == [("http://TheProfile.com", "other")]
    assert greg["notes"] == ("This is GMail's note field.\nIt should be added as a NOTE "
                             "type.\nACustomField: CustomField")


def test_gmail_list_and_blackberry(desk: Desk) -> None:
    found = imported(desk, "gmail-list.vcf")
    assert {name: p["emails"] for name, p in found.items()} == {
        "Arnold Smith": [("asmithk@gmail.com", "work")],
        "Chris Beatle": [("chrisy55d@yahoo.com", "work")],
        "Doug White": [("dwhite@gmail.com", "work")]}
    john = imported(desk, "John_Doe_BLACK_BERRY.vcf")["John Doe"]
    assert (john["organization"], john["phones"]) == ("Acme Solutions",
                                                      [("+96123456789", "mobile", "")])


def test_vcard_4_with_a_tel_uri_extension(desk: Desk) -> None:
    [simon] = imported(desk, "rfc6350-example.vcf").values()
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


def test_rfc2426_examples(desk: Desk) -> None:
    found = imported(desk, "rfc2426-example.vcf")
    frank = found["Frank Dawson"]
    assert frank["phones"] == [("+19196769515", "work", ""), ("+19196769564", "fax", "")]
    assert frank["addresses"] == [address("work", "6544 Battleford Drive", "Raleigh", "NC",
                                          "27613-3502", "U.S.A.")]
    assert found["Tim Howes"]["organization"] == "Netscape Communications Corp."


def test_second_import_of_the_samples_adds_nothing(desk: Desk, tmp_path: Path) -> None:
    for name in EVERY_FILE:
        apply_plan(desk, plan_vcard(desk, EZ_VCARD / name), valid_only=True)
    count = desk.contacts.count()
    for name in EVERY_FILE:
        result = apply_plan(desk, plan_vcard(desk, EZ_VCARD / name), valid_only=True)
        assert result.counts["new"] == 0, name
    assert desk.contacts.count() == count
