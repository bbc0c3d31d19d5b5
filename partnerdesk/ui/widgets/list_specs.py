"""What each record list shows: its columns, which of them sort in SQL, and its editor.

Editors are named by class path and imported only when their list is first built,
so the window opens before every editor module has loaded.
"""

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk, agreement_rules, funding_rules
from partnerdesk.services.money import amount_text
from partnerdesk.ui.record_list import Column, ListSpec, Lookups
from partnerdesk.ui.widgets.dates import show_date, show_datetime
from partnerdesk.ui.widgets.multi_value_text import first_email, first_phone
from partnerdesk.ui.widgets.status_label import status_tone


def tr(text: str) -> str:
    return QCoreApplication.translate("Lists", text)


def day(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        return show_datetime(value)
    return show_date(value)


def _names(service: Any, ids: set[str], field: str) -> dict[str, str]:
    return service.lookup(ids, field)


def contact_lookups(desk: Desk, rows: list[Any]) -> Lookups:
    return {"organization": _names(desk.organizations,
                                   {row.organization_id or "" for row in rows}, "name")}


def meeting_lookups(desk: Desk, rows: list[Any]) -> Lookups:
    return {"partnership": _names(desk.partnerships,
                                  {row.partnership_id or "" for row in rows}, "title")}


def agreement_lookups(desk: Desk, rows: list[Any]) -> Lookups:
    today, warning_days = date.today(), desk.settings.expiring_days
    return {"partnership": _names(desk.partnerships,
                                  {row.partnership_id or "" for row in rows}, "title"),
            "expiry": expiry_notes(rows, today, warning_days),
            "expiry_tone": expiry_tones(rows, today, warning_days)}


def expiry_notes(rows: list[Any], today: date, warning_days: int) -> dict[str, str]:
    """Agreement id -> what the Expires column adds, as `agreement_rules.expiry` decides
    (the dashboard's reminders and the register say the same)."""
    notes = {}
    for row in rows:
        state = agreement_rules.expiry(row.status, row.expiry_date, today, warning_days)
        if state.state == agreement_rules.LAPSED:
            notes[row.id] = tr("expired, still marked {status}").format(
                status=tr(v.label(v.AGREEMENT_STATUSES, row.status)).lower())
        elif state.state == agreement_rules.EXPIRING:
            days = state.days_left
            notes[row.id] = (tr("expires today") if days == 0 else tr("expires tomorrow")
                             if days == 1 else tr("expires in {n} days").format(n=days))
    return notes


def expiry_tones(rows: list[Any], today: date, warning_days: int) -> dict[str, str]:
    """Agreement id -> the Expires label's tone: lapsed is danger, expiring a warning."""
    tones = {}
    for row in rows:
        state = agreement_rules.expiry(row.status, row.expiry_date, today, warning_days)
        if state.state == agreement_rules.LAPSED:
            tones[row.id] = "danger"
        elif state.state == agreement_rules.EXPIRING:
            tones[row.id] = "warning"
    return tones


def review_overdue(row: Any) -> bool:
    """A partnership still going whose next review date has passed."""
    return bool(row.next_review_date and row.status != "ended"
                and row.next_review_date < date.today())


def next_review(row: Any, _lookups: Lookups) -> str:
    text = day(row.next_review_date)
    return tr("{date} (overdue)").format(date=text) if review_overdue(row) else text


def expires(row: Any, lookups: Lookups) -> str:
    note = lookups.get("expiry", {}).get(row.id)
    return f"{day(row.expiry_date)} ({note})" if note else day(row.expiry_date)


def event_lookups(desk: Desk, rows: list[Any]) -> Lookups:
    """Each event's partnerships, by title ("Food as Medicine, Health Navigators")."""
    links = desk.event_partnerships.list(where={"event_id": [row.id for row in rows]},
                                         order_by="created_at", bookkeeping=False)
    titles = _names(desk.partnerships, {link.partnership_id for link in links}, "title")
    served: dict[str, list[str]] = {}
    for link in links:
        served.setdefault(link.event_id, []).append(titles.get(link.partnership_id, ""))
    return {"partnerships": {key: ", ".join(names) for key, names in served.items()}}


def feedback_lookups(desk: Desk, rows: list[Any]) -> Lookups:
    return {"partnership": _names(desk.partnerships,
                                  {row.partnership_id or "" for row in rows}, "title")}


def event_when(row: Any, _lookups: Lookups) -> str:
    """The local time where it happens, with the zone's city when it is not ours."""
    from partnerdesk.services.events import local_time_zone

    zone = row.time_zone or ""
    shown = day(row.starts_at)
    if zone and zone != local_time_zone():
        shown += f" ({zone.rsplit('/', 1)[-1].replace('_', ' ')})"
    return shown


def reached(row: Any, _lookups: Lookups) -> str:
    return "" if row.people_reached is None else f"{row.people_reached:,}"


def event_specs() -> dict[str, ListSpec]:
    """Community events and feedback (issue 21)."""
    return {
        "events": ListSpec(
            "event", tr("Events"), tr("event"), [
                Column(tr("Title"), lambda r, _l: r.title, "title"),
                Column(tr("Kind"), lambda r, _l: tr(v.label(v.EVENT_KINDS, r.kind)), "kind"),
                Column(tr("When"), event_when, "starts_at", whole=True),
                Column(tr("Place"), lambda r, _l: r.place, "place"),
                Column(tr("People reached"), reached, "people_reached"),
                Column(tr("Partnerships"),
                       lambda r, lk: lk.get("partnerships", {}).get(r.id, "")),
            ], "partnerdesk.ui.editors.event.EventEditor", lookups=event_lookups,
            related_types=frozenset({"partnership", "event_partnership"}), default_sort=2,
            default_descending=True),
        "feedback": ListSpec(
            "feedback", tr("Feedback"), tr("feedback"), [
                Column(tr("Title"), lambda r, _l: r.title, "title"),
                Column(tr("Received"), lambda r, _l: day(r.received_on), "received_on",
                       whole=True),
                Column(tr("From"), lambda r, _l: tr(v.label(v.FEEDBACK_SOURCES, r.source)),
                       "source"),
                Column(tr("Channel"), lambda r, _l: tr(v.label(v.FEEDBACK_CHANNELS, r.channel)),
                       "channel"),
                Column(tr("Sentiment"), lambda r, _l: tr(v.label(v.SENTIMENTS, r.sentiment)),
                       "sentiment"),
                Column(tr("Themes"), lambda r, _l: ", ".join(r.tags)),
                Column(tr("Partnership"),
                       lambda r, lk: lk.get("partnership", {}).get(r.partnership_id or "", "")),
            ], "partnerdesk.ui.editors.feedback.FeedbackEditor", lookups=feedback_lookups,
            related_types=frozenset({"partnership"}), default_sort=1, default_descending=True),
    }


# -- funding (issue 21) ------------------------------------------------------------------
def funding_lookups(desk: Desk, rows: list[Any]) -> Lookups:
    """Names of funders and of whom the funding is for, the currency, and the flags."""
    windows = desk.settings.reminder_windows
    today = date.today()
    flags, tones = {}, {}
    for row in rows:
        state = funding_rules.funding_attention(row.status, row.deadline,
                                                row.decision_expected, today,
                                                windows.funding_days)
        if state.needs_attention:
            flags[row.id] = state.message
            tones[row.id] = "warning" if state.kind == funding_rules.DEADLINE else "danger"
    return {"organization": _names(desk.organizations, {row.funder_id for row in rows}
                                   | {row.organization_id or "" for row in rows}, "name"),
            "partnership": _names(desk.partnerships,
                                  {row.partnership_id or "" for row in rows}, "title"),
            "currency": {"": desk.settings.currency}, "attention": flags,
            "attention_tone": tones}


def funding_amount(field: str) -> Any:
    def value(row: Any, lookups: Lookups) -> str:
        return amount_text(getattr(row, field), lookups.get("currency", {}).get("", "USD"))
    return value


def funding_for(row: Any, lookups: Lookups) -> str:
    if row.partnership_id:
        return lookups.get("partnership", {}).get(row.partnership_id, "")
    return lookups.get("organization", {}).get(row.organization_id or "", "")


def funding_deadline(row: Any, _lookups: Lookups) -> str:
    return day(row.deadline)


def funding_attention_note(row: Any, lookups: Lookups) -> str:
    """Why the Deadline label is coloured: the reminder's sentence, as its tooltip."""
    return lookups.get("attention", {}).get(row.id, "")


def funding_spec() -> ListSpec:
    return ListSpec(
        "funding", tr("Funding"), tr("funding record"), [
            Column(tr("Title"), lambda r, _l: r.title, "title"),
            Column(tr("Funder"),
                   lambda r, lk: lk.get("organization", {}).get(r.funder_id, "")),
            Column(tr("Status"), lambda r, _l: tr(v.label(v.FUNDING_STATUSES, r.status)),
                   "status", tone=lambda r, _l: status_tone("funding", r.status), whole=True),
            Column(tr("Requested"), funding_amount("requested_cents"), "requested_cents"),
            Column(tr("Awarded"), funding_amount("awarded_cents"), "awarded_cents"),
            Column(tr("Deadline"), funding_deadline, "deadline",
                   tone=lambda r, lk: lk.get("attention_tone", {}).get(r.id), whole=True,
                   tip=funding_attention_note),
            Column(tr("For"), funding_for),
        ], "partnerdesk.ui.editors.funding.FundingEditor", lookups=funding_lookups,
        related_types=frozenset({"organization", "partnership"}),
        statuses=v.FUNDING_STATUSES)
# -----------------------------------------------------------------------------------------


def specs() -> dict[str, ListSpec]:
    return {
        "organizations": ListSpec(
            "organization", tr("Organizations"), tr("organization"), [
                Column(tr("Name"), lambda r, _l: r.name + (tr("  (us)") if r.is_us else ""),
                       "name"),
                Column(tr("Kind"), lambda r, _l: v.label(v.ORGANIZATION_KINDS, r.kind), "kind"),
                Column(tr("Status"), lambda r, _l: v.label(v.ORGANIZATION_STATUSES, r.status),
                       "status", tone=lambda r, _l: status_tone("organization", r.status)),
                Column(tr("Tags"), lambda r, _l: ", ".join(r.tags)),
                Column(tr("E-mail"), lambda r, _l: r.email, "email"),
                Column(tr("Phone"), lambda r, _l: first_phone([{"number": r.phone}]) if r.phone
                       else "", "phone"),
            ], "partnerdesk.ui.editors.organization.OrganizationEditor",
            statuses=v.ORGANIZATION_STATUSES),
        "contacts": ListSpec(
            "contact", tr("Contacts"), tr("contact"), [
                Column(tr("Name"), lambda r, _l: r.name, "name"),
                Column(tr("Role"), lambda r, _l: r.role, "role"),
                Column(tr("Organization"),
                       lambda r, lk: lk.get("organization", {}).get(r.organization_id or "", "")),
                Column(tr("Tags"), lambda r, _l: ", ".join(r.tags or ())),
                Column(tr("E-mail"), lambda r, _l: first_email(r.emails)),
                Column(tr("Phone"), lambda r, _l: first_phone(r.phones)),
                Column(tr("Last contacted"), lambda r, _l: day(r.last_contacted),
                       "last_contacted"),
            ], "partnerdesk.ui.editors.contact.ContactEditor", lookups=contact_lookups,
            related_types=frozenset({"organization"})),
        "partnerships": ListSpec(
            "partnership", tr("Partnerships"), tr("partnership"), [
                Column(tr("Title"), lambda r, _l: r.title, "title"),
                Column(tr("Kind"), lambda r, _l: v.label(v.PARTNERSHIP_KINDS, r.kind), "kind"),
                Column(tr("Status"), lambda r, _l: v.label(v.PARTNERSHIP_STATUSES, r.status),
                       "status", tone=lambda r, _l: status_tone("partnership", r.status)),
                Column(tr("Next review"), next_review, "next_review_date",
                       tone=lambda r, _l: "danger" if review_overdue(r) else None),
            ], "partnerdesk.ui.editors.partnership.PartnershipEditor",
            statuses=v.PARTNERSHIP_STATUSES),
        "agreements": ListSpec(
            "agreement", tr("Agreements"), tr("agreement"), [
                Column(tr("Title"), lambda r, _l: r.title, "title"),
                Column(tr("Status"), lambda r, _l: v.label(v.AGREEMENT_STATUSES, r.status),
                       "status", tone=lambda r, _l: status_tone("agreement", r.status)),
                Column(tr("Effective"), lambda r, _l: day(r.effective_date), "effective_date"),
                Column(tr("Expires"), expires, "expiry_date",
                       tone=lambda r, lk: lk.get("expiry_tone", {}).get(r.id)),
                Column(tr("Partnership"),
                       lambda r, lk: lk.get("partnership", {}).get(r.partnership_id or "", "")),
            ], "partnerdesk.ui.editors.agreement.AgreementEditor", lookups=agreement_lookups,
            related_types=frozenset({"partnership"}), statuses=v.AGREEMENT_STATUSES),
        "funding": funding_spec(),
        "meetings": ListSpec(
            "meeting", tr("Meetings"), tr("meeting"), [
                Column(tr("Title"), lambda r, _l: r.title, "title"),
                Column(tr("When"), lambda r, _l: day(r.starts_at), "starts_at", whole=True),
                Column(tr("Location"), lambda r, _l: r.location, "location"),
                Column(tr("Partnership"),
                       lambda r, lk: lk.get("partnership", {}).get(r.partnership_id or "", "")),
            ], "partnerdesk.ui.editors.meeting.MeetingEditor", lookups=meeting_lookups,
            related_types=frozenset({"partnership"}), default_sort=1, default_descending=True),
        **event_specs(),
    }
