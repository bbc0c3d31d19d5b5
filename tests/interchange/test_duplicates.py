"""Finding likely duplicates, merging them with every link moved, and "not duplicates"."""

from datetime import date, datetime

import pytest

from partnerdesk.errors import NotFoundError, ValidationError
from partnerdesk.services import Desk
from partnerdesk.services.duplicates import (
    find_duplicates,
    mark_not_duplicates,
    merge_records,
    pair_id,
    possible_duplicates,
)


def pairs(desk: Desk, record_type: str = "contact") -> dict[frozenset[str], tuple[str, ...]]:
    return {frozenset((p.first_id, p.second_id)): p.reasons
            for p in find_duplicates(desk, [record_type])}


def test_same_email_phone_and_similar_names(desk: Desk) -> None:
    org = desk.organizations.create(name="Mercy General Hospital")
    a = desk.contacts.create(name="Renée Dubois", organization_id=org.id,
                             emails=[{"address": "renee@mercy.example", "kind": "work"}])
    b = desk.contacts.create(name="R. Dubois", emails=[
        {"address": "Renee@Mercy.example", "kind": "home"}])
    c = desk.contacts.create(name="Marcus Lee", phones=[{"number": "(415) 555-0142",
                                                         "kind": "work"}])
    d = desk.contacts.create(name="M. Lee", phones=[{"number": "+1 415 555 0142",
                                                     "kind": "mobile"}])
    e = desk.contacts.create(name="Renee Dubois", organization_id=org.id)
    f = desk.contacts.create(name="Renée Dubois")  # same name, but not at the same org
    found = pairs(desk)
    assert any("same e-mail" in reason for reason in found[frozenset((a.id, b.id))])
    assert any("same phone" in reason for reason in found[frozenset((c.id, d.id))])
    assert found[frozenset((a.id, e.id))] == ("same name at the same organization",)
    assert frozenset((a.id, f.id)) not in found
    assert frozenset((c.id, e.id)) not in found


def test_organizations_by_name_website_and_phone(desk: Desk) -> None:
    a = desk.organizations.create(name="St. Brigid's Parish", website="https://stbrigid.example")
    b = desk.organizations.create(name="St Brigids Parish")
    c = desk.organizations.create(name="Brigid Outreach", website="http://www.stbrigid.example/x")
    desk.organizations.create(name="Northside Food Bank")
    found = pairs(desk, "organization")
    assert frozenset((a.id, b.id)) in found
    assert any("same website" in r for r in found[frozenset((a.id, c.id))])
    assert len(found) == 2


def test_not_duplicates_is_remembered_once_and_hides_the_pair(desk: Desk) -> None:
    a = desk.contacts.create(name="Ann Lee", emails=[{"address": "ann@x.example"}])
    b = desk.contacts.create(name="Ann Lee", emails=[{"address": "ann@x.example"}])
    assert len(find_duplicates(desk)) == 1
    mark_not_duplicates(desk, "contact", b.id, a.id)
    mark_not_duplicates(desk, "contact", a.id, b.id)  # asked twice: still one record
    assert find_duplicates(desk) == []
    stored = desk.not_duplicates.list()
    assert len(stored) == 1 and stored[0].id == pair_id("contact", a.id, b.id)
    assert sorted((stored[0].first_id, stored[0].second_id)) == sorted((a.id, b.id))


def test_merging_contacts_moves_every_link(desk: Desk) -> None:
    us = desk.organizations.create(name="Eastside", is_us=True)
    partner = desk.organizations.create(name="Mercy")
    keep = desk.contacts.create(name="Zoe Martin", organization_id=us.id,
                                emails=[{"address": "zoe@east.example"}])
    other = desk.contacts.create(name="Zoë Martín", role="Director", organization_id=us.id,
                                 phones=[{"number": "+14155550100"}])
    ship = desk.partnerships.create(title="Food", our_lead_contact_id=other.id)
    member = desk.partnership_members.create(partnership_id=ship.id,
                                             organization_id=partner.id,
                                             lead_contact_id=other.id)
    both = desk.meetings.create(title="Kick-off", starts_at=datetime(2026, 6, 1, 10))
    only_other = desk.meetings.create(title="Review", starts_at=datetime(2026, 6, 8, 10))
    desk.meeting_attendees.create(meeting_id=both.id, contact_id=keep.id)
    dup_link = desk.meeting_attendees.create(meeting_id=both.id, contact_id=other.id)
    moved_link = desk.meeting_attendees.create(meeting_id=only_other.id, contact_id=other.id)
    agreement = desk.agreements.create(title="MOU", partnership_id=ship.id)
    signatory = desk.signatories.create(agreement_id=agreement.id, contact_id=other.id,
                                        signed_on=date(2026, 5, 1))
    item = desk.action_items.create(description="Call", owner_contact_id=other.id)
    food = desk.categories.list(where={"name": "Food"})[0]
    resource = desk.resources.create(name="Pantry", organization_id=us.id,
                                     category_id=food.id, contact_id=other.id)

    moved = merge_records(desk, "contact", keep.id, other.id, {
        "name": "Zoë Martín", "role": "Director",
        "phones": [{"number": "+14155550100", "kind": "work"}]})

    kept = desk.contacts.get(keep.id)
    assert (kept.name, kept.role) == ("Zoë Martín", "Director")
    assert kept.emails[0]["address"] == "zoe@east.example" and len(kept.phones) == 1
    assert desk.contacts.get(other.id).deleted
    assert desk.partnerships.get(ship.id).our_lead_contact_id == keep.id
    assert desk.partnership_members.get(member.id).lead_contact_id == keep.id
    assert desk.meeting_attendees.get(moved_link.id).contact_id == keep.id
    assert desk.meeting_attendees.get(dup_link.id).deleted  # not listed twice
    assert len(desk.meeting_attendees.list(where={"meeting_id": both.id})) == 1
    assert desk.signatories.get(signatory.id).contact_id == keep.id
    assert desk.action_items.get(item.id).owner_contact_id == keep.id
    assert desk.resources.get(resource.id).contact_id == keep.id
    assert moved["meeting_attendee"] == 2 and moved["signatory"] == 1
    # the other record is a restorable version
    desk.contacts.restore(other.id)
    assert desk.contacts.get(other.id).name == "Zoë Martín" and not desk.contacts.get(
        other.id).deleted


def test_merging_organizations_moves_contacts_resources_and_agreements(desk: Desk) -> None:
    keep = desk.organizations.create(name="Northside Food Bank")
    other = desk.organizations.create(name="North Side Food Bank", phone="+14155550190")
    third = desk.organizations.create(name="Mercy")
    person = desk.contacts.create(name="Łukasz Wójcik", organization_id=other.id)
    food = desk.categories.list(where={"name": "Food"})[0]
    resource = desk.resources.create(name="Groceries", organization_id=other.id,
                                     category_id=food.id)
    pathway = desk.referral_pathways.create(from_organization_id=third.id,
                                            to_organization_id=other.id)
    agreement = desk.agreements.create(title="MOU")
    party = desk.agreement_parties.create(agreement_id=agreement.id, organization_id=other.id)
    merge_records(desk, "organization", keep.id, other.id, {"phone": "+14155550190"})
    assert desk.organizations.get(keep.id).phone == "+14155550190"
    assert desk.contacts.get(person.id).organization_id == keep.id
    assert desk.resources.get(resource.id).organization_id == keep.id
    assert desk.referral_pathways.get(pathway.id).to_organization_id == keep.id
    assert desk.agreement_parties.get(party.id).organization_id == keep.id
    assert desk.organizations.get(other.id).deleted


def test_merge_refuses_bad_requests_and_changes_nothing(desk: Desk) -> None:
    a = desk.contacts.create(name="Ann")
    b = desk.contacts.create(name="Anne")
    with pytest.raises(ValidationError):
        merge_records(desk, "contact", a.id, a.id)
    with pytest.raises(ValidationError, match="name"):
        merge_records(desk, "contact", a.id, b.id, {"name": ""})
    assert not desk.contacts.get(b.id).deleted and desk.contacts.get(a.id).name == "Ann"
    desk.contacts.delete(b.id)
    with pytest.raises(NotFoundError):
        merge_records(desk, "contact", a.id, b.id)


def test_possible_duplicates_hint(desk: Desk) -> None:
    org = desk.organizations.create(name="Riverside Family Clinic")
    lan = desk.contacts.create(name="Nguyễn Thị Lan", organization_id=org.id,
                               emails=[{"address": "lan@riverside.example"}])
    hints = possible_duplicates(desk, "contact", {"name": "Nguyen Thi Lan",
                                                  "organization_id": org.id})
    assert [h.key for h in hints] == [lan.id]
    hints = possible_duplicates(desk, "contact", {"name": "Someone else",
                                                  "emails": [{"address": "LAN@riverside.example"}]})
    assert hints and hints[0].reason.startswith("same e-mail")
    assert possible_duplicates(desk, "contact", {"name": "Nguyễn Thị Lan",
                                                 "organization_id": org.id},
                               exclude_id=lan.id) == []
    assert possible_duplicates(desk, "organization", {"name": "Riverside Family Clinic."})
    assert possible_duplicates(desk, "organization", {"name": "Harbor Foundation"}) == []
