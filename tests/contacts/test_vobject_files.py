"""The vCards of the vobject project's tests (tests/data/vcards), imported field by field:
vCard 4.0 in full, several FN and N in two languages, a 2.1 card with a photo, and the
cards that are not a person (a group, a place, an organization), named and left out."""

import re

import pytest

from partnerdesk.services import Desk
from partnerdesk.sharing.import_common import ImportFileError, apply_plan
from partnerdesk.sharing.vcard import plan_vcard
from tests.contacts.conftest import DATA, address, people
from tests.interchange.conftest import records_digest

VCARDS = DATA / "vcards"


def test_vcard_40_in_full(desk: Desk) -> None:
    plan = plan_vcard(desk, VCARDS / "vcard40_full.vcf")
    assert plan.notes == [] and plan.rows[0].record_id == "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    apply_plan(desk, plan)
    assert people(desk) == {"Dr. John Q. Public, III": {
        "name": "Dr. John Q. Public, III",  # the first FN; "\," kept as a comma
        "organization": "Example Corp.", "department": "North Division, Marketing",
        "role": "CEO",  # TITLE first; ROLE (Executive) second
        "emails": [("john.public@example.com", "work"), ("johnny@personal.example.org", "home")],
        # 555 numbers are no real numbers: kept as the tel: URIs wrote them
        "phones": [("+1-555-555-5555", "work", ""), ("+1-555-123-4567", "mobile", "")],
        "addresses": [address("work", "123 Main Street", "Any Town", "CA", "91921-1234",
                              "U.S.A."),
                      address("home", "456 Oak Lane", "Somewhere", "NY", "10001", "U.S.A.")],
        "websites": [("http://www.example.com/~jqpublic", "work")],
        "notes": "This is a note about John.\nHe likes vCards.",
        "tags": ["BUSINESS", "NETWORKING"]}}
    # vcard40_simple.vcf has the same UID: the same person, merged, not added again
    result = apply_plan(desk, plan_vcard(desk, VCARDS / "vcard40_simple.vcf"))
    assert result.counts == {"new": 0, "merged": 1, "skipped": 0, "invalid": 0}
    assert desk.contacts.count() == 1


@pytest.mark.parametrize("name, expected", [
    ("photo-test.vcf", {"should be ok to share": [("+49123456789", "home", "")]}),
    ("vcard40_multilang.vcf", {"Yamada Taro": []}),  # the first of the two FN
    ("vcard40_simple.vcf", {"John Doe": []}),
])
def test_small_cards(desk: Desk, name: str, expected: dict[str, list[tuple[str, ...]]]) -> None:
    plan = plan_vcard(desk, VCARDS / name)
    assert plan.notes == [] and plan.invalid == []
    apply_plan(desk, plan)
    assert {n: p["phones"] for n, p in people(desk).items()} == expected


@pytest.mark.parametrize("name, sentence", [
    ("vcard40_group.vcf", "Card 1 (“The Doe Family”) is a group of contacts, not a person, "
                          "and was left out."),
    ("vcard40_location.vcf", "Card 1 (“Empire State Building”) is a place, not a person, and "
                             "was left out."),
    ("vcard40_org.vcf", "Card 1 (“ABC Marketing”) is an organization's card, not a person, "
                        "and was left out."),
])
def test_cards_that_are_no_person_are_named_and_left_out(desk: Desk, name: str,
                                                         sentence: str) -> None:
    plan = plan_vcard(desk, VCARDS / name)
    assert plan.rows == [] and plan.notes == [sentence]
    before = records_digest(desk)
    with pytest.raises(ImportFileError, match=re.escape("holds nothing to import: " + sentence)):
        apply_plan(desk, plan)
    assert records_digest(desk) == before
