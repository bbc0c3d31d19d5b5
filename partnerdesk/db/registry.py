"""The record types by the names used in search results, history, bundles and the CLI."""

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
}
TYPE_NAMES: dict[type[SQLModel], str] = {model: name for name, model in RECORD_TYPES.items()}


def type_name(model: type[SQLModel]) -> str:
    return TYPE_NAMES[model]
