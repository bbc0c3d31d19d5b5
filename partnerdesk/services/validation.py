"""The rules for every record type, in one place, used by every screen and importer.

`clean()` normalises what a person typed (trimmed text, e-mail syntax, phone numbers
in E.164 where they parse) and returns the problems found; errors stop a save,
warnings do not.
"""

import functools
import json
import re
from collections.abc import Callable, Collection
from datetime import date, datetime
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import NaiveDatetime
from sqlmodel import SQLModel

from partnerdesk.db import records as r
from partnerdesk.db import vocabulary as v
from partnerdesk.db.registry import RECORD_TYPES, references
from partnerdesk.errors import FieldProblem
from partnerdesk.services import contact_details
from partnerdesk.services.settings import DEFAULT_PHONE_REGION

MAX_TEXT = 20_000  # a long note; anything longer is almost surely pasted by mistake
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# A plain ASCII local part (a subset of RFC 5322 dot-atom, which email-validator accepts
# as it is) and a lower-case ASCII host name: the shape of almost every stored address.
PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*\Z")
PLAIN_DOMAIN = re.compile(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)+\Z")
MAX_EMAIL = 254  # email-validator's limit on the whole address
CACHE_SIZE = 16_384  # answers kept: a few megabytes at most

Rule = Callable[[dict[str, Any], "Context"], list[FieldProblem]]


class Context:
    """What a rule may need beyond the values: the phone region, and whether ids exist.

    `warnings=False` is for callers that keep only errors and throw the cleaned values
    away (the bundle importer checks incoming states without changing them): checks that
    can only warn, such as parsing phone numbers, are then skipped, which changes nothing
    those callers can see and saves most of the time of a large import.

    `texts_checked=True` is for callers whose every text, at any depth, was checked for
    what `text_problem` refuses already (the bundle reader's `record_check`): the look
    for a NUL or a broken character left by a damaged file is not made again.
    """

    def __init__(self, region: str | None = None,
                 exists: Callable[[type[SQLModel], str], bool] | None = None,
                 warnings: bool = True, *,
                 region_of: Callable[[], str] | None = None,
                 texts_checked: bool = False) -> None:
        # `region_of`: asked for the region the first time a rule needs it (a save's
        # question to the database, asked only for numbers typed without +country).
        self._region = region
        self._region_of = region_of
        self.exists = exists or (lambda _model, _id: True)
        self.warnings = warnings
        self.texts_checked = texts_checked
        # The fields a change sets, while `clean(..., fields=)` runs; None: all of them.
        self.only: frozenset[str] | None = None

    @property
    def region(self) -> str:
        if self._region is None:
            self._region = self._region_of() if self._region_of is not None \
                else DEFAULT_PHONE_REGION
        return self._region

    def looks_at(self, name: str) -> bool:
        """Whether a check of field `name` alone runs: the others are as they were stored,
        and passed it then (see `clean`)."""
        return self.only is None or name in self.only


# Host names that email-validator accepted unchanged (IDNA, special-use names and length
# rules depend on the host name alone, so one answer serves every address there).
_plain_domains: set[str] = set()


def check_email(address: str) -> tuple[str, str | None]:
    """(normalised address, problem) — syntax only: the program never uses the network.

    A plain address at a host name already accepted is valid and already normal, so it
    skips the full check (about 200 µs): the answer is the one email-validator gives.
    """
    local, at, domain = address.rpartition("@")
    if (at and domain in _plain_domains and len(address) <= MAX_EMAIL
            and PLAIN_LOCAL.match(local)
            and local.lower() not in _case_insensitive_names()):
        return address, None
    return _check_email_fully(address)


# email-validator and phonenumbers take a tenth of a second to import: not on the way
# to the window, only when the first address or number is checked.
@functools.cache
def _case_insensitive_names() -> frozenset[str]:
    from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

    return frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _check_email_fully(address: str) -> tuple[str, str | None]:
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return address, f"“{address}” is not a valid e-mail address ({error})."
    local, _, domain = address.rpartition("@")
    if (result.normalized == address and result.ascii_domain == domain
            and PLAIN_DOMAIN.match(domain) and PLAIN_LOCAL.match(local)):
        if len(_plain_domains) >= CACHE_SIZE:
            _plain_domains.clear()
        _plain_domains.add(domain)
    return result.normalized, None


@functools.lru_cache(maxsize=CACHE_SIZE)
def check_phone(number: str, region: str) -> tuple[str, str | None]:
    """(E.164 number if it parses, else as typed; warning if it does not).

    Cached by number and region together: the same digits read differently elsewhere."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        parsed = None
    # is_valid (not just is_possible): "06 12 34 56 78" is a possible US length but no US number.
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return number.strip(), (f"“{number}” does not look like a phone number in {region} "
                                "(it was kept as typed): check the area code and digits, or "
                                "start with + and the country code, e.g. +1 202 555 0143.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def checked_phone(number: str, ctx: Context) -> tuple[str, str | None]:
    """`check_phone` in the context's region, which a number typed with +country does not
    need (it reads the same anywhere): the region is asked for only when it matters."""
    if number.strip().startswith("+"):
        found = check_phone(number, DEFAULT_PHONE_REGION)
        if found[1] is None:
            return found
    return check_phone(number, ctx.region)  # its warning names the region


def format_phone(number: str) -> str:
    """A stored number as people read it (international format when it parses)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _required(values: dict[str, Any], name: str, label: str) -> list[FieldProblem]:
    value = values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return [FieldProblem(name, f"{label} is required.")]
    return []


@functools.cache
def _allowed(choices: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset(v.values(choices))


def _choice(values: dict[str, Any], name: str, choices: tuple[tuple[str, str], ...],
            label: str) -> list[FieldProblem]:
    value = values.get(name)
    if value is not None and value not in _allowed(choices):
        allowed = ", ".join(lbl for _, lbl in choices if lbl)
        return [FieldProblem(name, f"{label} must be one of: {allowed}.")]
    return []


def _dates_in_order(values: dict[str, Any], first: str, second: str,
                    message: str) -> list[FieldProblem]:
    a, b = values.get(first), values.get(second)
    if a is not None and b is not None and b < a:
        return [FieldProblem(second, message)]
    return []


def _not_negative(values: dict[str, Any], name: str, label: str) -> list[FieldProblem]:
    value = values.get(name)
    if value is not None and value < 0:
        return [FieldProblem(name, f"{label} cannot be negative.")]
    return []


def _emails(values: dict[str, Any], ctx: Context, name: str = "emails") -> list[FieldProblem]:
    if not ctx.looks_at(name):
        return []
    problems: list[FieldProblem] = []
    cleaned = []
    for item in values.get(name) or []:
        address = str(item.get("address", "")).strip()
        if not address:
            continue
        normalised, problem = check_email(address)
        if problem:
            problems.append(FieldProblem(name, problem))
        kind = item.get("kind") or "work"
        cleaned.append({"address": normalised, "kind": kind})
    if name in values:
        values[name] = cleaned
    return problems


def _phones(values: dict[str, Any], ctx: Context) -> list[FieldProblem]:
    if not ctx.warnings or "phones" not in values or not ctx.looks_at("phones"):
        return []
    cleaned, problems = contact_details.clean_phones(
        values.get("phones") or [], lambda number: checked_phone(number, ctx))
    values["phones"] = cleaned
    return problems


def _addresses_and_websites(values: dict[str, Any], ctx: Context) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if "addresses" in values and ctx.looks_at("addresses"):
        values["addresses"] = contact_details.clean_addresses(values.get("addresses") or [])
    if "websites" in values and ctx.looks_at("websites"):
        values["websites"], problems = contact_details.clean_websites(
            values.get("websites") or [])
    return problems


def _single_email(values: dict[str, Any], ctx: Context) -> list[FieldProblem]:
    if not ctx.looks_at("email"):
        return []
    address = (values.get("email") or "").strip()
    if not address:
        return []
    normalised, problem = check_email(address)
    values["email"] = normalised
    return [FieldProblem("email", problem)] if problem else []


def _single_phone(values: dict[str, Any], ctx: Context) -> list[FieldProblem]:
    if not ctx.warnings or not ctx.looks_at("phone"):
        return []
    number = (values.get("phone") or "").strip()
    if not number:
        return []
    normalised, warning = checked_phone(number, ctx)
    values["phone"] = normalised
    return [FieldProblem("phone", warning, warning=True)] if warning else []


def organization(values: dict[str, Any], ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "name", "The organization's name")
    problems += _choice(values, "kind", v.ORGANIZATION_KINDS, "Kind")
    problems += _choice(values, "status", v.ORGANIZATION_STATUSES, "Status")
    problems += _single_email(values, ctx) + _single_phone(values, ctx)
    lat, lon = values.get("latitude"), values.get("longitude")
    if lat is not None and not -90 <= lat <= 90:
        problems.append(FieldProblem("latitude", "Latitude must be between -90 and 90."))
    if lon is not None and not -180 <= lon <= 180:
        problems.append(FieldProblem("longitude", "Longitude must be between -180 and 180."))
    website = (values.get("website") or "").strip()
    if website and " " in website:
        problems.append(FieldProblem("website", "A web address cannot contain spaces."))
    return problems


def contact(values: dict[str, Any], ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "name", "The person's name")
    problems += _emails(values, ctx) + _phones(values, ctx) + _addresses_and_websites(values, ctx)
    problems += _choice(values, "preferred_contact", v.CONTACT_PREFERENCES,
                        "Preferred way to reach")
    return problems


def partnership(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "The partnership's title")
    problems += _choice(values, "kind", v.PARTNERSHIP_KINDS, "Kind")
    problems += _choice(values, "status", v.PARTNERSHIP_STATUSES, "Status")
    months = values.get("review_every_months")
    if months is not None and not 1 <= months <= 60:
        problems.append(FieldProblem("review_every_months",
                                     "Review every 1 to 60 months, or leave it empty."))
    return problems


def agreement(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "The agreement's title")
    problems += _choice(values, "status", v.AGREEMENT_STATUSES, "Status")
    problems += _dates_in_order(values, "effective_date", "expiry_date",
                                "An agreement cannot expire before it takes effect.")
    problems += _not_negative(values, "notice_period_days", "The notice period")
    return problems


def resource(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "name", "The resource's name")
    problems += _required(values, "organization_id", "The organization offering it")
    problems += _required(values, "category_id", "The category")
    problems += _not_negative(values, "capacity", "Capacity")
    return problems


def need(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "The need's title")
    problems += _required(values, "category_id", "The category")
    problems += _choice(values, "priority", v.NEED_PRIORITIES, "Priority")
    problems += _not_negative(values, "needed_capacity", "Needed capacity")
    return problems


def referral_pathway(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "from_organization_id", "The referring organization")
    problems += _required(values, "to_organization_id", "The receiving organization")
    if values.get("from_organization_id") and \
            values.get("from_organization_id") == values.get("to_organization_id"):
        problems.append(FieldProblem("to_organization_id",
                                     "An organization cannot refer to itself."))
    return problems


def referral_count(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not MONTH.match(str(values.get("month") or "")):
        problems.append(FieldProblem("month", "Write the month as YYYY-MM, e.g. 2026-03."))
    return problems + _not_negative(values, "count", "The count")


def meeting(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "The meeting's title")
    problems += _required(values, "starts_at", "The date and time")
    problems += _dates_in_order(values, "starts_at", "ends_at",
                                "A meeting cannot end before it starts.")
    return problems


def partnership_review(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "reviewed_on", "The review date")
    known = set(v.values(v.REVIEW_ELEMENTS))
    for key, entry in (values.get("scores") or {}).items():
        if key not in known:
            problems.append(FieldProblem("scores", f"“{key}” is not a review element."))
            continue
        score = (entry or {}).get("score")
        if score is not None and (not isinstance(score, int) or not 1 <= score <= 5):
            problems.append(FieldProblem("scores", "Each score must be from 1 to 5."))
    return problems


def funding(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "The funding's title")
    problems += _required(values, "funder_id", "The funder")
    if not values.get("partnership_id") and not values.get("organization_id"):
        problems.append(FieldProblem("partnership_id", "Choose the partnership or the "
                                     "organization this funding is for."))
    problems += _choice(values, "status", v.FUNDING_STATUSES, "Status")
    for name, label in (("requested_cents", "The amount requested"),
                        ("awarded_cents", "The amount awarded"),
                        ("in_kind_cents", "The value of the in-kind support")):
        problems += _not_negative(values, name, label)
    problems += _dates_in_order(values, "start_date", "end_date",
                                "The funding cannot end before it starts.")
    problems += _dates_in_order(values, "deadline", "decision_expected",
                                "The decision cannot be expected before the deadline.")
    if values.get("in_kind_cents") and not (values.get("in_kind_description") or "").strip():
        problems.append(FieldProblem("in_kind_description",
                                     "Say what the in-kind support is (for example, "
                                     "meeting rooms or staff time)."))
    return problems


def funding_deliverable(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "What is due to the funder")
    problems += _required(values, "due_date", "The date it is due")
    return problems + _choice(values, "kind", v.DELIVERABLE_KINDS, "Kind")


def _titled(field: str, label: str) -> Rule:
    return lambda values, _ctx: _required(values, field, label)


RULES: dict[type[SQLModel], Rule] = {
    r.Organization: organization,
    r.Contact: contact,
    r.Tag: _titled("name", "The tag's name"),
    r.Category: _titled("name", "The category's name"),
    r.Partnership: partnership,
    r.Milestone: _titled("title", "The milestone's title"),
    r.Indicator: _titled("name", "The indicator's name"),
    r.Measurement: lambda vals, _c: (_required(vals, "measured_on", "The date")
                                     + _required(vals, "value", "The value")),
    r.Agreement: agreement,
    r.Obligation: _titled("description", "What the party will do"),
    r.Attachment: _titled("filename", "The file name"),
    r.Resource: resource,
    r.CommunityNeed: need,
    r.ReferralPathway: referral_pathway,
    r.ReferralCount: referral_count,
    r.Meeting: meeting,
    r.ActionItem: _titled("description", "What is to be done"),
    r.PartnershipReview: partnership_review,
    r.Funding: funding,
    r.FundingDeliverable: funding_deliverable,
}



# -- community events and feedback ---------------------------------------------------------
MAX_COUNT = 10_000_000  # people reached, answers counted: far beyond any one event or survey


@functools.lru_cache(maxsize=1024)  # bounded: names come from bundles too
def known_time_zone(name: str) -> bool:
    """An IANA time zone name this computer's time zone database knows ("Europe/Paris")."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or name != name.strip() or name.startswith(("/", ".")):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def field_limit(model: type[SQLModel], name: str) -> int:
    """The longest text a field takes (what an importer checks a cell against)."""
    return _text_limits(model).get(name, MAX_TEXT)


def _count(values: dict[str, Any], name: str, label: str) -> list[FieldProblem]:
    value = values.get(name)
    if value is not None and not 0 <= value <= MAX_COUNT:
        return [FieldProblem(name, f"{label} must be a whole number from 0 to {MAX_COUNT:,}.")]
    return []


def event(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "The event's title")
    problems += _choice(values, "kind", v.EVENT_KINDS, "Kind")
    problems += _required(values, "starts_at", "The date and time")
    problems += _dates_in_order(values, "starts_at", "ends_at",
                                "An event cannot end before it starts.")
    zone = values.get("time_zone") or ""
    if not zone:
        problems.append(FieldProblem("time_zone", "Choose the time zone the event is in."))
    elif not known_time_zone(zone):
        problems.append(FieldProblem("time_zone", f"“{zone[:64]}” is not a time zone this "
                                     "computer knows. Choose one from the list, for example "
                                     "America/Chicago or Europe/London."))
    problems += _count(values, "people_reached", "People reached")
    return problems


def event_attendance(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "category", "Who was counted (the category)")
    return problems + _count(values, "count", "The number of people")


def event_organization(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "organization_id", "The organization")
    return problems + _choice(values, "role", v.EVENT_ROLES, "Role")


def feedback(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "title", "A short title for the feedback")
    problems += _required(values, "received_on", "The date it was received")
    problems += _required(values, "partnership_id", "The partnership it is about")
    problems += _choice(values, "source", v.FEEDBACK_SOURCES, "From")
    problems += _choice(values, "channel", v.FEEDBACK_CHANNELS, "Channel")
    problems += _choice(values, "sentiment", v.SENTIMENTS, "Sentiment")
    problems += _count(values, "respondents", "The number of people who answered")
    return problems


def survey_result(values: dict[str, Any], _ctx: Context) -> list[FieldProblem]:
    problems = _required(values, "question", "The question")
    problems += _required(values, "answer", "The answer")
    return problems + _count(values, "count", "How many chose it")


RULES.update({
    r.Event: event,
    r.EventAttendance: event_attendance,
    r.EventOrganization: event_organization,
    r.EventPartnership: lambda vals, _c: _required(vals, "partnership_id", "The partnership"),
    r.EventResource: lambda vals, _c: _required(vals, "resource_id", "The resource"),
    r.Feedback: feedback,
    r.SurveyResult: survey_result,
})

@functools.cache
def _text_limits(model: type[SQLModel]) -> dict[str, int]:
    """Each field's longest allowed text, looked up once per record type."""
    found = {}
    for name, info in model.model_fields.items():
        limit = MAX_TEXT
        for meta in getattr(info, "metadata", []):
            limit = getattr(meta, "max_length", None) or limit
        found[name] = limit
    return found


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored as text, or None: a NUL character (C programs, SQLite
    tools and every export reader stop at it) or an unpaired surrogate (it cannot be
    written as UTF-8 at all). Both come from damaged files, never from typing."""
    if "\x00" in value:
        return "a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "a broken character (an unpaired surrogate)"
    return None


def _hidden_problem(value: Any, depth: int = 0) -> str | None:
    """`text_problem` of a value or of any text inside it (a list of e-mails, an address)."""
    if isinstance(value, str):
        return text_problem(value)
    if depth < 6 and isinstance(value, list | tuple):
        return next((p for item in value if (p := _hidden_problem(item, depth + 1))), None)
    if depth < 6 and isinstance(value, dict):
        return next((p for item in [*value.keys(), *value.values()]
                     if (p := _hidden_problem(item, depth + 1))), None)
    return None


# Lists and dicts as JSON text in one C call: no NUL escape and clean UTF-8 mean no text
# inside holds either problem, without a Python call per e-mail, phone and address part.
_PLAIN_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False,
                               default=lambda _value: None)


def _surely_clean(value: list[Any] | dict[str, Any]) -> bool:
    """True when no text inside `value` holds what `text_problem` looks for; False: look
    closer (`_hidden_problem`, which also finds which)."""
    try:
        text = _PLAIN_JSON.encode(value)
    except (TypeError, ValueError, RecursionError):
        return False
    if "\\u0000" in text:  # a NUL, or a typed backslash-u0000: look closer
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _strip_and_limit(model: type[SQLModel], values: dict[str, Any],
                     texts_checked: bool = False) -> list[FieldProblem]:
    problems = []
    limits = _text_limits(model)
    # one look at all its text (none when `Context.texts_checked`); field by field if not
    damaged = not texts_checked and not _surely_clean(values)
    for name, value in values.items():
        if not isinstance(value, str):
            if damaged and isinstance(value, list | dict) and value:
                hidden = _hidden_problem(value)
                if hidden:
                    problems.append(FieldProblem(
                        name, f"This holds {hidden}, left by a damaged file; retype it and "
                        "save again."))
            continue
        hidden = text_problem(value) if damaged else None
        if hidden:
            problems.append(FieldProblem(
                name, f"This text holds {hidden}, left by a damaged file; retype it and save "
                "again."))
            continue
        value = value.strip()
        values[name] = value
        limit = limits.get(name, MAX_TEXT)
        if len(value) > limit:
            problems.append(FieldProblem(
                name, f"This text is {len(value):,} characters long; the limit is {limit:,}."))
    return problems


def base_type(annotation: Any) -> Any:
    """A field's Python type: `date | None` -> date; `Annotated[datetime, ...]` -> datetime.

    Pydantic's `NaiveDatetime` (a meeting's or an event's time) is a datetime here: every
    check and conversion that asks "is this a datetime field?" must say yes for it."""
    if annotation is NaiveDatetime:
        return datetime
    origin = get_origin(annotation)
    if origin is Annotated:
        return base_type(get_args(annotation)[0])
    if origin in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not NoneType]
        return base_type(args[0]) if len(args) == 1 else None
    return annotation


@functools.cache
def field_kinds(model: type[SQLModel]) -> dict[str, Any]:
    """Each field's base type, looked up once per record type (typing calls are slow)."""
    return {name: base_type(info.annotation) for name, info in model.model_fields.items()}


def _types(model: type[SQLModel], values: dict[str, Any]) -> list[FieldProblem]:
    """Dates must be dates, numbers numbers: catches what the CLI and importers pass."""
    problems = []
    kinds = field_kinds(model)
    for name, value in values.items():
        if name not in kinds:
            problems.append(FieldProblem(name, f"“{name}” is not a field of this record."))
            continue
        if value is None:
            continue
        kind = kinds[name]
        if kind is str:  # the common case first
            if not isinstance(value, str):
                problems.append(FieldProblem(name, "Enter text."))
        elif kind is datetime and not isinstance(value, datetime):
            problems.append(FieldProblem(name, "Enter a date and time."))
        elif kind is date and (not isinstance(value, date) or isinstance(value, datetime)):
            problems.append(FieldProblem(name, "Enter a date."))
        elif kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(FieldProblem(name, "Enter a whole number."))
        elif kind is float and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(FieldProblem(name, "Enter a number."))
        elif kind is bool and not isinstance(value, bool):
            problems.append(FieldProblem(name, "Choose yes or no."))
    return problems


def _references(model: type[SQLModel], values: dict[str, Any],
                ctx: Context) -> list[FieldProblem]:
    problems = []
    for link in references(model):
        value = values.get(link.column)
        if value and not ctx.exists(RECORD_TYPES[link.record_type], value):
            problems.append(FieldProblem(link.column, "The linked record no longer exists."))
    return problems


def _tags(values: dict[str, Any]) -> list[FieldProblem]:
    """Each tag typed on a record becomes a tag record (`services.tags`): its limit holds."""
    limit = _text_limits(r.Tag)["name"]
    for tag in values.get("tags") or ():
        if isinstance(tag, str) and len(tag.strip()) > limit:
            return [FieldProblem("tags", f"The tag “{tag.strip()[:30]}…” is "
                                         f"{len(tag.strip()):,} characters long; a tag can "
                                         f"have at most {limit}. Shorten it.")]
    return []


def clean(model: type[SQLModel], values: dict[str, Any], ctx: Context,
          fields: Collection[str] | None = None) -> list[FieldProblem]:
    """Normalise `values` in place (the full record's values) and return its problems.

    `fields`: the fields a change to a stored record sets (one field changed on
    thousands of records from a list). The others are as they were stored, and passed
    these rules when they were saved, so the checks of one field at a time (types, text
    limits, e-mails, phones, links) look only at these; the type's rules that relate
    fields to each other still see the whole record. Stored values are normal already,
    so the result is what checking every field gives, in a fraction of the time."""
    if fields is None:
        return _clean(model, values, ctx)
    part = {name: values[name] for name in fields if name in values}
    problems = _types(model, part)
    if any(not p.warning for p in problems):
        return problems
    problems += _strip_and_limit(model, part, ctx.texts_checked)
    values.update(part)
    if "tags" in part:
        problems += _tags(values)
    rule = RULES.get(model)
    if rule:
        ctx.only = frozenset(part)
        try:
            problems += rule(values, ctx)
        finally:
            ctx.only = None
    return problems + _references(model, part, ctx)


def _clean(model: type[SQLModel], values: dict[str, Any], ctx: Context) -> list[FieldProblem]:
    problems = _types(model, values)
    if any(not p.warning for p in problems):
        return problems
    problems += _strip_and_limit(model, values, ctx.texts_checked)
    if "tags" in values:
        problems += _tags(values)
    rule = RULES.get(model)
    if rule:
        problems += rule(values, ctx)
    problems += _references(model, values, ctx)
    return problems
