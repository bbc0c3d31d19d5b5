"""The rules of the new contact fields, through the services every screen and importer uses:
what a save keeps, what it refuses, what search finds, how duplicates and merges treat
extensions and addresses, and the directory report's phone."""

import pytest

from partnerdesk.errors import ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.contact_details import address_text, entry_key, split_extension
from partnerdesk.services.duplicates import find_duplicates, merge_records
from partnerdesk.services.reporting.directory import contact_directory
from partnerdesk.sharing.import_common import merged_values


@pytest.mark.parametrize("typed, expected", [
    ("+1 617 555 0101 ext. 42", ("+1 617 555 0101", "42")),
    ("(617) 555-0101 x42", ("(617) 555-0101", "42")),
    ("617-555-0101 #7", ("617-555-0101", "7")),
    ("+1-418-656-9254;ext=102", ("+1-418-656-9254", "102")),
    ("617 555 0101, extension 3", ("617 555 0101", "3")),
    ("+16175550101", ("+16175550101", "")),
    ("x42", ("x42", "")),  # no number before it: not an extension
    ("0800 FLOWERS", ("0800 FLOWERS", "")),
])
def test_an_extension_typed_after_the_number(typed: str, expected: tuple[str, str]) -> None:
    assert split_extension(typed) == expected


def test_a_save_keeps_every_part_in_its_place(desk: Desk) -> None:
    contact = desk.contacts.create(
        name="Ana Ruiz", department="  Outreach ",
        phones=[{"number": "+1 617 555 0101 ext. 42"}, {"number": "617 555 0109", "kind": "fax",
                                                        "extension": "7"}],
        addresses=[{"street": " 1 Pier Rd \r\n\r\n Floor 2 ", "city": "Boston"},
                   {"kind": "home", "street": "", "city": ""}],  # empty: left out
        websites=[{"url": " https://ana.example "}, {"url": ""}])
    saved = desk.contacts.get(contact.id)
    assert saved.department == "Outreach"
    assert saved.phones == [{"number": "+16175550101", "kind": "work", "extension": "42"},
                            {"number": "+16175550109", "kind": "fax", "extension": "7"}]
    assert saved.addresses == [{"kind": "work", "street": "1 Pier Rd\nFloor 2",
                                "city": "Boston", "region": "", "postal_code": "",
                                "country": ""}]
    assert saved.websites == [{"url": "https://ana.example", "kind": "work"}]
    assert address_text(saved.addresses[0]) == "1 Pier Rd\nFloor 2\nBoston"


@pytest.mark.parametrize("values, message", [
    ({"phones": [{"number": "617 555 0101", "extension": "4a"}]}, "must be digits only"),
    ({"phones": [{"number": "", "extension": "42"}]}, "has no phone number before it"),
    ({"websites": [{"url": "www.clinic example.org"}]}, "cannot contain spaces"),
])
def test_a_save_refuses_what_cannot_be_right(desk: Desk, values: dict[str, object],
                                             message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        desk.contacts.create(name="Ana Ruiz", **values)
    assert desk.contacts.count() == 0


def test_search_finds_department_address_and_website(desk: Desk) -> None:
    contact = desk.contacts.create(
        name="Ana Ruiz", department="Patient Navigation",
        addresses=[{"street": "14 Elm St", "city": "Somerville", "postal_code": "02143"}],
        websites=[{"url": "https://navigators.example/ana"}])
    desk.contacts.create(name="Bo Lin", role="Driver")
    for words in ("navigation", "somerville", "02143", "elm", "navigators"):
        assert [hit.record_id for hit in desk.search(words)] == [contact.id], words
    assert desk.contacts.list(text="somerv")[0].id == contact.id  # the list's filter too


def test_colleagues_on_one_switchboard_are_no_duplicates(desk: Desk) -> None:
    desk.contacts.create(name="Ana Ruiz", phones=[{"number": "+16175550100", "extension": "41"}])
    desk.contacts.create(name="Bo Lin", phones=[{"number": "+16175550100", "extension": "42"}])
    desk.contacts.create(name="Cy Wu", phones=[{"number": "+16175550100 ext. 42"}])
    pairs = find_duplicates(desk, ("contact",))
    assert [({p.first_title, p.second_title}, p.reasons) for p in pairs] == [
        ({"Bo Lin", "Cy Wu"}, ("same phone +1 617-555-0100 ext. 42",))]


def test_merging_two_records_keeps_both_addresses(desk: Desk) -> None:
    first = desk.contacts.create(name="Ana Ruiz", department="Outreach",
                                 addresses=[{"street": "1 Pier Rd", "city": "Boston"}])
    second = desk.contacts.create(name="Ana Ruiz", addresses=[
        {"kind": "home", "street": "14 Elm St", "city": "Somerville"},
        {"street": "1 Pier Rd", "city": "Boston"}])
    from partnerdesk.ui.duplicates_window import combined

    both = combined("addresses", first.addresses, desk.contacts.get(second.id).addresses)
    merge_records(desk, "contact", first.id, second.id, {"addresses": both})
    kept = desk.contacts.get(first.id)
    assert [(a["kind"], a["street"]) for a in kept.addresses] == [
        ("work", "1 Pier Rd"), ("home", "14 Elm St")]
    assert kept.department == "Outreach"


def test_an_import_adds_new_entries_and_fills_the_department() -> None:
    current = {"department": "", "phones": [{"number": "+16175550100", "kind": "work",
                                             "extension": "41"}],
               "addresses": [{"kind": "work", "street": "1 Pier Rd", "city": "Boston"}],
               "websites": [{"url": "https://www.ana.example/", "kind": "work"}]}
    incoming = {"department": "Outreach",
                "phones": [{"number": "+16175550100", "kind": "work", "extension": "41"},
                           {"number": "+16175550100", "kind": "work", "extension": "42"}],
                "addresses": [{"kind": "work", "street": "1 Pier Rd", "city": "BOSTON"},
                              {"kind": "home", "street": "14 Elm St"}],
                "websites": [{"url": "http://ana.example", "kind": "home"}]}
    changes = merged_values(current, incoming)
    assert changes["department"] == "Outreach"
    assert [p["extension"] for p in changes["phones"]] == ["41", "42"]
    assert [a["street"] for a in changes["addresses"]] == ["1 Pier Rd", "14 Elm St"]
    assert "websites" not in changes  # the same site, written another way
    assert entry_key("websites", {"url": "https://www.ana.example/"}) == \
        entry_key("websites", {"url": "http://ana.example"})


def test_the_directory_prints_the_extension(desk: Desk) -> None:
    org = desk.organizations.create(name="Harbor Clinic")
    desk.contacts.create(name="Ana Ruiz", organization_id=org.id, share_ok=True,
                         phones=[{"number": "+16175550101", "extension": "42"}])
    [entry] = [o for o in contact_directory(desk).organizations if o.name == "Harbor Clinic"]
    assert entry.contacts[0].phone == "+1 617-555-0101 ext. 42"
