"""Every shared record type, defined once.

Links between records are plain id columns with foreign keys (no ORM
relationships): services return detached rows as plain data, and the sharing
merge treats a reference like any other field value.
"""

from datetime import date
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Index
from sqlmodel import Field

from partnerdesk.db.bookkeeping import Synced


class Organization(Synced, table=True):
    __tablename__ = "organizations"

    name: str = Field(max_length=200, index=True)
    kind: str = Field(default="other", max_length=40, index=True)
    status: str = Field(default="active", max_length=40, index=True)
    is_us: bool = Field(default=False)
    mission: str = ""
    website: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=254, index=True)
    phone: str = Field(default="", max_length=40, index=True)
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    notes: str = ""
    internal_notes: str = ""
    logo_sha256: str = Field(default="", max_length=64)


class Contact(Synced, table=True):
    """A person. The lists hold one dict per entry, first one the main one, every key
    always present once saved (validation fills them), each kind from `vocabulary`:

    - `emails`: {"address": "ana@clinic.org", "kind": "work"} (EMAIL_KINDS)
    - `phones`: {"number": "+16175550101", "kind": "work", "extension": "42"}
      (PHONE_KINDS: work, mobile, home, fax, pager, other). `number` is E.164 when it
      parses, else as typed; `extension` is digits as typed ("" when none), never part
      of `number` (vCard's `;ext=`, HSDS `phones.extension`, Google's "ext. 42").
    - `addresses`: {"kind": "work", "street": "12 Main St\nSuite 4", "city": "Boston",
      "region": "MA", "postal_code": "02115", "country": "USA"} (ADDRESS_KINDS: work,
      home, other). `street` holds every line above the city (a PO box, a building,
      the street), one per line; vCard's ADR and the CSV layouts' parts map onto these
      keys, and `services.contact_details.address_text` writes one as text.
    - `websites`: {"url": "https://clinic.org/ana", "kind": "work"} (WEBSITE_KINDS).

    `department` is the part of the organization the person works in (vCard's second
    ORG component, Outlook's "Department").
    """

    __tablename__ = "contacts"
    # A filtered Contacts list looks up every match by id and sorts them: this index
    # holds what that needs, so a keystroke never reads the whole contact rows.
    __table_args__ = (Index("ix_contacts_list_lookup", "id", "deleted", "name", "role",
                            "last_contacted"),)

    name: str = Field(max_length=200, index=True)
    role: str = Field(default="", max_length=200, index=True)
    organization_id: str | None = Field(default=None, foreign_key="organizations.id", index=True)
    department: str = Field(default="", max_length=200)
    # [{"address": "...", "kind": "work"}], first one is the main address
    emails: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    phones: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    addresses: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    websites: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    preferred_contact: str = Field(default="", max_length=20)
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    notes: str = ""
    internal_notes: str = ""
    share_ok: bool = Field(default=False)
    last_contacted: date | None = Field(default=None, index=True)


class Tag(Synced, table=True):
    """The vocabulary of tags; records hold tag names in their `tags` list."""

    __tablename__ = "tags"

    name: str = Field(max_length=80, index=True)
    color: str = Field(default="", max_length=20)


class Category(Synced, table=True):
    """The taxonomy shared by resources and needs (what makes gap analysis possible)."""

    __tablename__ = "categories"

    name: str = Field(max_length=120, index=True)
    description: str = ""


class Partnership(Synced, table=True):
    __tablename__ = "partnerships"

    title: str = Field(max_length=200, index=True)
    kind: str = Field(default="other", max_length=40, index=True)
    status: str = Field(default="exploring", max_length=40, index=True)
    goals: str = ""
    shared_vision: str = ""
    start_date: date | None = None
    review_every_months: int | None = None
    next_review_date: date | None = Field(default=None, index=True)
    our_lead_contact_id: str | None = Field(default=None, foreign_key="contacts.id")
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    notes: str = ""
    internal_notes: str = ""


class PartnershipMember(Synced, table=True):
    """A partner organization in a partnership, with its lead contact."""

    __tablename__ = "partnership_members"

    partnership_id: str = Field(foreign_key="partnerships.id", index=True)
    organization_id: str = Field(foreign_key="organizations.id", index=True)
    lead_contact_id: str | None = Field(default=None, foreign_key="contacts.id")
    role: str = Field(default="", max_length=200)


class Milestone(Synced, table=True):
    __tablename__ = "milestones"

    partnership_id: str = Field(foreign_key="partnerships.id", index=True)
    title: str = Field(max_length=300)
    due_date: date | None = Field(default=None, index=True)
    done: bool = False
    done_date: date | None = None
    notes: str = ""


class Indicator(Synced, table=True):
    __tablename__ = "indicators"

    partnership_id: str = Field(foreign_key="partnerships.id", index=True)
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=60)
    target: float | None = None
    notes: str = ""


class Measurement(Synced, table=True):
    __tablename__ = "measurements"

    indicator_id: str = Field(foreign_key="indicators.id", index=True)
    measured_on: date
    value: float
    note: str = ""


class Agreement(Synced, table=True):
    """A memorandum of understanding (MOU) or similar agreement."""

    __tablename__ = "agreements"

    partnership_id: str | None = Field(default=None, foreign_key="partnerships.id", index=True)
    title: str = Field(max_length=300, index=True)
    status: str = Field(default="draft", max_length=40, index=True)
    effective_date: date | None = Field(default=None, index=True)
    expiry_date: date | None = Field(default=None, index=True)
    renewal_terms: str = ""
    notice_period_days: int | None = None
    notes: str = ""
    internal_notes: str = ""


class AgreementParty(Synced, table=True):
    __tablename__ = "agreement_parties"

    agreement_id: str = Field(foreign_key="agreements.id", index=True)
    organization_id: str = Field(foreign_key="organizations.id", index=True)
    role: str = Field(default="", max_length=200)


class Obligation(Synced, table=True):
    """What one party promises: what, by when or how often."""

    __tablename__ = "obligations"

    agreement_id: str = Field(foreign_key="agreements.id", index=True)
    organization_id: str | None = Field(default=None, foreign_key="organizations.id")
    description: str
    due_date: date | None = None
    frequency: str = Field(default="", max_length=120)


class Signatory(Synced, table=True):
    __tablename__ = "signatories"

    agreement_id: str = Field(foreign_key="agreements.id", index=True)
    contact_id: str = Field(foreign_key="contacts.id", index=True)
    signed_on: date | None = None


class Attachment(Synced, table=True):
    """A file linked to a record; the bytes live in the data folder under their SHA-256."""

    __tablename__ = "attachments"

    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    size: int = 0
    media_type: str = Field(default="application/octet-stream", max_length=120)


class Resource(Synced, table=True):
    """Something an organization offers: food, space, backup power, volunteers…"""

    __tablename__ = "resources"

    organization_id: str = Field(foreign_key="organizations.id", index=True)
    category_id: str = Field(foreign_key="categories.id", index=True)
    name: str = Field(max_length=200, index=True)
    description: str = ""
    capacity: int | None = None
    capacity_unit: str = Field(default="", max_length=80)
    schedule: str = ""
    eligibility: str = ""
    service_area: str = Field(default="", max_length=200)
    contact_id: str | None = Field(default=None, foreign_key="contacts.id")
    last_verified: date | None = None
    notes: str = ""
    internal_notes: str = ""


class CommunityNeed(Synced, table=True):
    __tablename__ = "community_needs"

    category_id: str = Field(foreign_key="categories.id", index=True)
    title: str = Field(max_length=200, index=True)
    description: str = ""
    priority: str = Field(default="medium", max_length=20)
    area: str = Field(default="", max_length=200)
    source: str = Field(default="", max_length=300)
    needed_capacity: int | None = None
    notes: str = ""


class NeedResourceLink(Synced, table=True):
    """An explicit 'this resource addresses this need', overriding category matching."""

    __tablename__ = "need_resource_links"

    need_id: str = Field(foreign_key="community_needs.id", index=True)
    resource_id: str = Field(foreign_key="resources.id", index=True)


class ReferralPathway(Synced, table=True):
    """Who refers people to whom for what. Aggregate counts only, never patient details."""

    __tablename__ = "referral_pathways"

    from_organization_id: str = Field(foreign_key="organizations.id", index=True)
    to_organization_id: str = Field(foreign_key="organizations.id", index=True)
    category_id: str | None = Field(default=None, foreign_key="categories.id")
    notes: str = ""


class ReferralCount(Synced, table=True):
    __tablename__ = "referral_counts"

    pathway_id: str = Field(foreign_key="referral_pathways.id", index=True)
    month: str = Field(max_length=7)  # "YYYY-MM"
    count: int = 0


class Meeting(Synced, table=True):
    __tablename__ = "meetings"

    title: str = Field(max_length=300, index=True)
    # local wall-clock time where the meeting happens, as people write it in a diary
    starts_at: NaiveDatetime = Field(index=True)
    ends_at: NaiveDatetime | None = None
    location: str = Field(default="", max_length=300, index=True)
    partnership_id: str | None = Field(default=None, foreign_key="partnerships.id", index=True)
    agenda: str = ""
    notes: str = ""
    decisions: str = ""
    internal_notes: str = ""


class MeetingAttendee(Synced, table=True):
    __tablename__ = "meeting_attendees"

    meeting_id: str = Field(foreign_key="meetings.id", index=True)
    contact_id: str = Field(foreign_key="contacts.id", index=True)


class ActionItem(Synced, table=True):
    __tablename__ = "action_items"

    description: str
    meeting_id: str | None = Field(default=None, foreign_key="meetings.id", index=True)
    partnership_id: str | None = Field(default=None, foreign_key="partnerships.id", index=True)
    owner_contact_id: str | None = Field(default=None, foreign_key="contacts.id", index=True)
    due_date: date | None = Field(default=None, index=True)
    done: bool = False
    done_date: date | None = None
    # a follow-up of a community event (see `Event`)
    event_id: str | None = Field(default=None, foreign_key="events.id", index=True)


class PartnershipReview(Synced, table=True):
    """A dated health check of a partnership, scored 1–5 per element."""

    __tablename__ = "partnership_reviews"

    partnership_id: str = Field(foreign_key="partnerships.id", index=True)
    reviewed_on: date
    # element key (vocabulary.REVIEW_ELEMENTS) -> {"score": 1..5, "comment": "..."}
    scores: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    overall_note: str = ""
    next_steps: str = ""


class Funding(Synced, table=True):
    """A grant or other funding applied for or won, for a partnership or an organization.

    Amounts are whole cents (hundredths of the currency unit) in the currency of the
    `currency` setting, so totals add up exactly; `amounts_internal` keeps them out of
    bundles and reports made for partners (`services/funding_rules.py`)."""

    __tablename__ = "funding"

    title: str = Field(max_length=300, index=True)
    programme: str = Field(default="", max_length=300)
    funder_id: str = Field(foreign_key="organizations.id", index=True)
    partnership_id: str | None = Field(default=None, foreign_key="partnerships.id", index=True)
    organization_id: str | None = Field(default=None, foreign_key="organizations.id",
                                        index=True)
    status: str = Field(default="idea", max_length=40, index=True)
    requested_cents: int | None = None
    awarded_cents: int | None = None
    in_kind_description: str = ""
    in_kind_cents: int | None = None
    amounts_internal: bool = Field(default=False)
    deadline: date | None = Field(default=None, index=True)
    decision_expected: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    notes: str = ""
    internal_notes: str = ""


class FundingDeliverable(Synced, table=True):
    """A report or an outcome due to the funder on a date, owned by a contact."""

    __tablename__ = "funding_deliverables"

    funding_id: str = Field(foreign_key="funding.id", index=True)
    title: str = Field(max_length=300)
    kind: str = Field(default="report", max_length=20)
    due_date: date | None = Field(default=None, index=True)
    owner_contact_id: str | None = Field(default=None, foreign_key="contacts.id", index=True)
    done: bool = False
    done_date: date | None = None


class NotDuplicate(Synced, table=True):
    """'These two records are not the same': decided once, travels in bundles."""

    __tablename__ = "not_duplicates"

    record_type: str = Field(max_length=40)
    first_id: str = Field(max_length=36, index=True)
    second_id: str = Field(max_length=36, index=True)



# -- community events and feedback ----------------------------------------------------------

class Event(Synced, table=True):
    """A community event, health screening, workshop or outreach day, often hosted together.

    Attendance is kept as counts only (`EventAttendance`): never the names of the people
    who came."""

    __tablename__ = "events"

    title: str = Field(max_length=300, index=True)
    kind: str = Field(default="community_event", max_length=40, index=True)
    # wall-clock time where the event happens, in `time_zone` (an IANA name such as
    # "America/Chicago"), so a calendar anywhere shows it at the right hour
    starts_at: NaiveDatetime = Field(index=True)
    ends_at: NaiveDatetime | None = None
    time_zone: str = Field(default="", max_length=64)
    place: str = Field(default="", max_length=300, index=True)
    description: str = ""
    people_reached: int | None = None
    notes: str = ""
    internal_notes: str = ""


class EventOrganization(Synced, table=True):
    """An organization hosting an event, or taking part in it as a partner."""

    __tablename__ = "event_organizations"

    event_id: str = Field(foreign_key="events.id", index=True)
    organization_id: str = Field(foreign_key="organizations.id", index=True)
    role: str = Field(default="partner", max_length=20)  # host, partner


class EventPartnership(Synced, table=True):
    """A partnership an event serves (an event may serve several)."""

    __tablename__ = "event_partnerships"

    event_id: str = Field(foreign_key="events.id", index=True)
    partnership_id: str = Field(foreign_key="partnerships.id", index=True)


class EventResource(Synced, table=True):
    """A resource of the resource map used at an event."""

    __tablename__ = "event_resources"

    event_id: str = Field(foreign_key="events.id", index=True)
    resource_id: str = Field(foreign_key="resources.id", index=True)
    note: str = Field(default="", max_length=300)  # how much of it, e.g. "both vans"


class EventAttendance(Synced, table=True):
    """How many people of one category an event reached: a number, never a name."""

    __tablename__ = "event_attendance"

    event_id: str = Field(foreign_key="events.id", index=True)
    category: str = Field(max_length=120)
    count: int = 0


class Feedback(Synced, table=True):
    """What partners, staff or the community said, through a survey, focus group,
    meeting, conversation or form: the evidence a partnership's health review weighs."""

    __tablename__ = "feedback"

    title: str = Field(max_length=200, index=True)
    source: str = Field(default="partner", max_length=20, index=True)
    organization_id: str | None = Field(default=None, foreign_key="organizations.id",
                                        index=True)
    received_on: date = Field(index=True)
    channel: str = Field(default="conversation", max_length=20, index=True)
    summary: str = ""
    tags: list[str] = Field(default_factory=list, sa_type=JSON)  # its themes
    sentiment: str = Field(default="neutral", max_length=20, index=True)
    partnership_id: str = Field(foreign_key="partnerships.id", index=True)
    review_id: str | None = Field(default=None, foreign_key="partnership_reviews.id",
                                  index=True)
    respondents: int | None = None  # how many people answered (a survey, a focus group)
    internal_notes: str = ""


class SurveyResult(Synced, table=True):
    """How many people chose one answer to one question: aggregate numbers only, never
    an answer tied to a person."""

    __tablename__ = "survey_results"

    feedback_id: str = Field(foreign_key="feedback.id", index=True)
    question: str = Field(max_length=500)
    answer: str = Field(max_length=300)
    count: int = 0
    position: int = 0  # the order questions and answers were given in

# Every record table has a small partial index of its deleted rows: the Trash reads it,
# and live counts are `count(*)` (a narrow index) minus these, instead of a scan of
# every row. A full index on `deleted` would be chosen over the sort indexes; this
# one can serve only queries that ask for deleted rows.
for _model in Synced.__subclasses__():
    _table = _model.__table__  # type: ignore[attr-defined]
    Index(f"ix_{_table.name}_deleted_rows", _table.c.updated_at,
          sqlite_where=_table.c.deleted == True)  # noqa: E712
