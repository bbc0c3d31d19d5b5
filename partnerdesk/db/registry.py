"""The record types by the names used in search results, history, bundles and the CLI,
and the links between them (the one walk over the tables' foreign keys)."""

import functools
from typing import NamedTuple

from sqlmodel import SQLModel

from partnerdesk.db import records as r

RECORD_TYPES: dict[str, type[SQLModel]] = {
    "organization": r.Organization,
    "contact": r.Contact,
    "tag": r.Tag,
    "category": r.Category,
    "partnership": r.Partnership,
    "partnership_member": r.PartnershipMember,
    "milestone": r.Milestone,
    "indicator": r.Indicator,
    "measurement": r.Measurement,
    "agreement": r.Agreement,
    "agreement_party": r.AgreementParty,
    "obligation": r.Obligation,
    "signatory": r.Signatory,
    "attachment": r.Attachment,
    "resource": r.Resource,
    "need": r.CommunityNeed,
    "need_resource_link": r.NeedResourceLink,
    "referral_pathway": r.ReferralPathway,
    "referral_count": r.ReferralCount,
    "meeting": r.Meeting,
    "meeting_attendee": r.MeetingAttendee,
    "action_item": r.ActionItem,
    "partnership_review": r.PartnershipReview,
    "not_duplicate": r.NotDuplicate,
    # community events and feedback
    "event": r.Event,
    "event_organization": r.EventOrganization,
    "event_partnership": r.EventPartnership,
    "event_resource": r.EventResource,
    "event_attendance": r.EventAttendance,
    "feedback": r.Feedback,
    "survey_result": r.SurveyResult,
    # funding (issue 21)
    "funding": r.Funding,
    "funding_deliverable": r.FundingDeliverable,
}
TYPE_NAMES: dict[type[SQLModel], str] = {model: name for name, model in RECORD_TYPES.items()}


def type_name(model: type[SQLModel]) -> str:
    return TYPE_NAMES[model]


class Reference(NamedTuple):
    """One foreign key of a record type: the column and the record type it points at."""

    column: str
    record_type: str
    nullable: bool


@functools.cache
def references(model: type[SQLModel]) -> tuple[Reference, ...]:
    """The model's links to other record types (found once per type)."""
    by_table = {other.__tablename__: name  # type: ignore[attr-defined]
                for name, other in RECORD_TYPES.items()}
    found = []
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        if not column.foreign_keys:
            continue
        target = by_table.get(next(iter(column.foreign_keys)).column.table.name)
        if target is not None:
            found.append(Reference(column.name, target, bool(column.nullable)))
    return tuple(found)


def referring(record_type: str) -> list[tuple[str, str]]:
    """(record type, column) of every link that points at records of `record_type`."""
    return [(name, link.column) for name, model in RECORD_TYPES.items()
            for link in references(model) if link.record_type == record_type]
