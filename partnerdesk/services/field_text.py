"""Field values typed as text (the command line's `set` and `add`), turned into the
values the services take, and records found by id or by name.

The services check every value (`RecordService.validated`); this only reads the text
as the field's type, so "2026-03-01" is a date, "yes" a yes/no, "[...]" a list, and an
empty text is "no value" for a field that may be empty.
"""

import json
from datetime import date, datetime
from typing import Any, get_origin

from sqlalchemy import func, select
from sqlmodel import SQLModel

from partnerdesk.db.bookkeeping import BOOKKEEPING_FIELDS
from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.errors import NotFoundError, PartnerDeskError
from partnerdesk.services.validation import field_kinds

YES = frozenset({"yes", "y", "true", "1", "on"})
NO = frozenset({"no", "n", "false", "0", "off"})


def record_type_named(text: str) -> str:
    """"organization", "organizations" or "Action item" -> the record type's name."""
    name = text.strip().casefold().replace(" ", "_").replace("-", "_")
    for candidate in (name, name.removesuffix("s"), name.removesuffix("es")):
        if candidate in RECORD_TYPES:
            return candidate
    raise PartnerDeskError(f"“{text}” is not a kind of record. The kinds are: "
                           + ", ".join(RECORD_TYPES) + ".")


def user_field_names(model: type[SQLModel]) -> list[str]:
    return [name for name in model.model_fields if name not in BOOKKEEPING_FIELDS]


def value_from_text(model: type[SQLModel], name: str, text: str) -> Any:
    """The text typed for field `name` as that field's type; a sentence when it is not."""
    kinds = field_kinds(model)
    if name not in kinds or name in BOOKKEEPING_FIELDS:
        raise PartnerDeskError(f"“{name}” is not a field of this kind of record. Its fields "
                               "are: " + ", ".join(user_field_names(model)) + ".")
    kind = kinds[name]
    # list[str] and dict[str, int] are lists and dicts
    kind = get_origin(kind) or kind
    info = model.model_fields[name]
    if text == "" and not info.is_required() and info.get_default(
            call_default_factory=True) is None:
        return None
    try:
        if kind is bool:
            word = text.strip().casefold()
            if word in YES:
                return True
            if word in NO:
                return False
            raise ValueError("yes or no")
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is date:
            return date.fromisoformat(text.strip())
        if kind is datetime:
            return datetime.fromisoformat(text.strip())
        if kind in (list, dict):
            value = json.loads(text)
            if not isinstance(value, kind):
                raise ValueError("JSON")
            return value
    except ValueError as error:
        wanted = {bool: "yes or no", int: "a whole number", float: "a number",
                  date: "a date such as 2026-03-01",
                  datetime: "a date and time such as 2026-03-01T14:30",
                  list: "a JSON list such as [\"a\", \"b\"]",
                  dict: "a JSON object"}.get(kind, "text")
        raise PartnerDeskError(f"{name} takes {wanted}, not “{text}”.") from error
    return text


def values_from_assignments(model: type[SQLModel], assignments: list[str]) -> dict[str, Any]:
    """["name=Mercy", "status=active"] -> {"name": "Mercy", "status": "active"}."""
    values: dict[str, Any] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        if not equals or not name.strip():
            raise PartnerDeskError(f"“{assignment}” is not FIELD=VALUE. Write, for example, "
                                   "notes=\"Called on Monday\".")
        values[name.strip()] = value_from_text(model, name.strip(), text)
    return values


def find_record_id(desk: Any, record_type: str, id_or_name: str) -> str:
    """A record's id from its id or its exact name (title, any case); deleted records
    count, so one can be changed again. Unknown or shared names get a sentence."""
    service = desk.service(record_type)
    model = service.model
    label = record_type.replace("_", " ")
    field = service.title_field
    with desk.store.read() as session:
        if session.get(model, id_or_name) is not None:
            return id_or_name
        found: list[str] = []
        if field != "id":
            column = getattr(model, field)
            found = list(session.scalars(select(model.id).where(  # type: ignore[attr-defined]
                column == id_or_name).limit(2)))
            if not found:
                found = list(session.scalars(select(model.id).where(  # type: ignore[attr-defined]
                    func.lower(column) == id_or_name.casefold()).limit(2)))
    if not found:
        raise NotFoundError(f"No {label} is called “{id_or_name}”. Run 'partnerdesk search' "
                            "to find its exact name or id.")
    if len(found) > 1:
        raise PartnerDeskError(f"More than one {label} is called “{id_or_name}”. Give its id "
                               "instead (partnerdesk search shows it).")
    return found[0]
