"""Likely duplicate contacts and organizations: finding them, merging them, or saying no.

Two records are likely the same when they share an e-mail address, a phone number
(compared after normalising to E.164), or a very similar name — for contacts, within
the same organization. Names are compared with rapidfuzz after folding case and
accents. A "not duplicates" decision is a `NotDuplicate` record whose id is derived
from the pair, so two laptops deciding the same thing make one record that merges.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlmodel import SQLModel

from partnerdesk.db import records as r
from partnerdesk.db.registry import RECORD_TYPES, referring, type_name
from partnerdesk.errors import FieldProblem, NotFoundError, ValidationError
from partnerdesk.services import validation
from partnerdesk.services.contact_details import phone_text, split_extension
from partnerdesk.services.settings import DEFAULT_PHONE_REGION
from partnerdesk.services.store import Writer, field_values

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

NAME_THRESHOLD = 90  # token_sort_ratio on folded names; 90 catches "Ann"/"Anne", not "Ann"/"Dan"
FUZZY_GROUP_LIMIT = 3000  # beyond this many names in one group, only exact folded names match
PAIR_NAMESPACE = uuid.UUID("a7d3b1c2-6e0f-4c38-9d1e-5b2f8e4a9c70")
MERGEABLE = {"contact": r.Contact, "organization": r.Organization}

# Link rows that would say the same thing twice once both records are one: keep one.
LINK_KEYS: dict[type[SQLModel], tuple[str, ...]] = {
    r.MeetingAttendee: ("meeting_id",),
    r.PartnershipMember: ("partnership_id",),
    r.AgreementParty: ("agreement_id",),
    r.Signatory: ("agreement_id",),
}


# -- normalising ------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: 'José  Núñez' -> 'jose nunez'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace(".", " ").replace(",", " ").split())


def email_key(address: str) -> str:
    return (address or "").strip().casefold()


def phone_key(number: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 when the number parses, else its digits (so '555 0100' matches '5550100'),
    with the extension after ';ext=': colleagues on one switchboard are different people.

    Pass `desk.settings.phone_region` for numbers as typed; the default serves numbers
    already cleaned (stored as E.164), where the region no longer matters."""
    number, extension = split_extension(number or "")
    if not number:
        return ""
    key = _number_key(number, region)
    return f"{key};ext={extension}" if key and extension else key


def _number_key(number: str, region: str) -> str:
    if number.startswith("+") and number[1:].isdigit() and 6 <= len(number) <= 16:
        return number  # already E.164, as every stored number that parsed is
    normalised, problem = validation.check_phone(number, region)
    if problem is None:
        return normalised
    digits = "".join(c for c in number if c.isdigit())
    return digits if len(digits) >= 6 else ""


def website_key(url: str) -> str:
    host = (url or "").strip().casefold()
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    host = host.removeprefix("www.").split("/")[0]
    return host if "." in host else ""


def pair_id(record_type: str, first: str, second: str) -> str:
    low, high = sorted((first, second))
    return str(uuid.uuid5(PAIR_NAMESPACE, f"{record_type}:{low}:{high}"))


# -- the matching index -------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    """`key` is a record id, or 'row:N' for an earlier row of the same import file."""

    key: str
    title: str
    reason: str


@dataclass
class _Entry:
    key: str
    title: str
    group: str


@dataclass
class MatchIndex:
    """Keys (emails, phones, names per group) of records, for quick look-ups while
    importing many rows or typing one."""

    record_type: str
    region: str = DEFAULT_PHONE_REGION  # see `phone_key`
    by_email: dict[str, _Entry] = field(default_factory=dict)
    by_phone: dict[str, _Entry] = field(default_factory=dict)
    by_site: dict[str, _Entry] = field(default_factory=dict)
    names: dict[str, dict[str, list[_Entry]]] = field(default_factory=dict)

    def add(self, key: str, values: dict[str, Any], group: str = "") -> None:
        title = str(values.get("name") or "")
        entry = _Entry(key, title, group)
        for address in _emails(values):
            self.by_email.setdefault(email_key(address), entry)
        for number in _phones(values):
            found = phone_key(number, self.region)
            if found:
                self.by_phone.setdefault(found, entry)
        site = website_key(str(values.get("website") or ""))
        if site:
            self.by_site.setdefault(site, entry)
        if title.strip() and "@" not in title:
            self.names.setdefault(group, {}).setdefault(fold(title), []).append(entry)

    def match(self, values: dict[str, Any], group: str = "",
              exclude: Iterable[str] = ()) -> Match | None:
        """The first likely duplicate of `values`, with the reason, or None."""
        skip = set(exclude)
        for address in _emails(values):
            entry = self.by_email.get(email_key(address))
            if entry and entry.key not in skip:
                return Match(entry.key, entry.title, f"same e-mail {address}")
        for number in _phones(values):
            entry = self.by_phone.get(phone_key(number, self.region))
            if entry and entry.key not in skip:
                bare, extension = split_extension(number)
                shown = phone_text({"extension": extension}, validation.format_phone(bare))
                return Match(entry.key, entry.title, f"same phone {shown}")
        entry = self.by_site.get(website_key(str(values.get("website") or "")))
        if entry and entry.key not in skip:
            return Match(entry.key, entry.title, f"same website {values.get('website')}")
        name = str(values.get("name") or "")
        if not name.strip() or "@" in name:  # a name made of an e-mail: compared above
            return None
        return self._name_match(name, group, skip)

    def _name_match(self, name: str, group: str, skip: set[str]) -> Match | None:
        names = self.names.get(group, {})
        where = " at the same organization" if self.record_type == "contact" and group else ""
        folded = fold(name)
        for entry in names.get(folded, []):
            if entry.key not in skip:
                return Match(entry.key, entry.title, f"same name{where}")
        if len(names) > FUZZY_GROUP_LIMIT:
            return None
        # best first, compared in rapidfuzz's C loop
        for other, _score, _ in process.extract(folded, list(names), limit=None,
                                                scorer=fuzz.token_sort_ratio,
                                                score_cutoff=NAME_THRESHOLD):
            live = [e for e in names[other] if e.key not in skip]
            if live:
                return Match(live[0].key, live[0].title,
                             f"very similar name (“{name}” and “{live[0].title}”){where}")
        return None

    @classmethod
    def from_desk(cls, desk: Desk, record_type: str) -> MatchIndex:
        """Every live record of the type, read as plain columns (fast at 100,000 rows)."""
        model = MERGEABLE[record_type]
        index = cls(record_type, region=desk.settings.phone_region)
        columns = _index_columns(model)
        with desk.store.read() as session:
            rows = session.execute(select(*[getattr(model, c) for c in columns]).where(
                model.deleted == False)).all()  # type: ignore[attr-defined]  # noqa: E712
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            index.add(values["id"], values, group=values.get("organization_id") or "")
        return index


def _index_columns(model: type[SQLModel]) -> list[str]:
    if model is r.Contact:
        return ["id", "name", "organization_id", "emails", "phones"]
    return ["id", "name", "email", "phone", "website"]


def _emails(values: dict[str, Any]) -> list[str]:
    found = [str(e.get("address") or "") for e in values.get("emails") or []
             if isinstance(e, dict)]
    if isinstance(values.get("email"), str):
        found.append(values["email"])
    return [e for e in found if e.strip()]


def _phones(values: dict[str, Any]) -> list[str]:
    """Each number with its extension after ';ext=' (what `phone_key` reads)."""
    found = [str(p.get("number") or "") + (f";ext={p['extension']}" if p.get("extension")
                                            else "")
             for p in values.get("phones") or [] if isinstance(p, dict)]
    if isinstance(values.get("phone"), str):
        found.append(values["phone"])
    return [p for p in found if p.strip()]


# -- finding pairs ------------------------------------------------------------------
@dataclass(frozen=True)
class DuplicatePair:
    record_type: str
    first_id: str
    second_id: str
    first_title: str
    second_title: str
    reasons: tuple[str, ...]


def not_duplicate_pairs(desk: Desk, record_type: str) -> set[tuple[str, str]]:
    rows = desk.not_duplicates.list(where={"record_type": record_type})
    return {tuple(sorted((row.first_id, row.second_id))) for row in rows}  # type: ignore[misc]


def find_duplicates(desk: Desk, record_types: Iterable[str] = ("organization", "contact"),
                    ) -> list[DuplicatePair]:
    """Likely duplicate pairs with every reason found, minus those marked "not duplicates"."""
    found: list[DuplicatePair] = []
    for record_type in record_types:
        found += _pairs_of(desk, record_type)
    return found


def _pairs_of(desk: Desk, record_type: str) -> list[DuplicatePair]:
    model = MERGEABLE[record_type]
    region = desk.settings.phone_region
    columns = _index_columns(model)
    with desk.store.read() as session:
        rows = [dict(zip(columns, row, strict=True)) for row in session.execute(
            select(*[getattr(model, c) for c in columns]).where(
                model.deleted == False))]  # type: ignore[attr-defined]  # noqa: E712
    titles = {row["id"]: row["name"] for row in rows}
    reasons: dict[tuple[str, str], list[str]] = defaultdict(list)

    def note(ids: list[str], reason: str) -> None:
        ids = sorted(set(ids))
        for i, first in enumerate(ids):
            for second in ids[i + 1:]:
                if reason not in reasons[(first, second)]:
                    reasons[(first, second)].append(reason)

    keys: dict[str, dict[str, list[str]]] = {"e-mail": defaultdict(list),
                                             "phone": defaultdict(list),
                                             "website": defaultdict(list)}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for address in _emails(row):
            keys["e-mail"][email_key(address)].append(row["id"])
        for number in _phones(row):
            key = phone_key(number, region)
            if key:
                keys["phone"][key].append(row["id"])
        site = website_key(str(row.get("website") or ""))
        if site:
            keys["website"][site].append(row["id"])
        if row["name"] and "@" not in row["name"]:
            groups[row.get("organization_id") or ""].append(row)
    for label, table in keys.items():
        for key, ids in table.items():
            if len(set(ids)) > 1:
                note(ids, f"same {label} {_shown(label, key)}")
    where = " at the same organization" if record_type == "contact" else ""
    for group, members in groups.items():
        _name_pairs(members, note, where if group else "")
    skip = not_duplicate_pairs(desk, record_type)
    return [DuplicatePair(record_type, a, b, titles[a], titles[b], tuple(why))
            for (a, b), why in sorted(reasons.items(), key=lambda item: titles[item[0][0]])
            if (a, b) not in skip]


def _shown(label: str, key: str) -> str:
    """A key as people read it: "+1 617-555-0100 ext. 42" for "+16175550100;ext=42"."""
    if label != "phone":
        return key
    number, extension = split_extension(key)
    return phone_text({"extension": extension}, validation.format_phone(number))


def _name_pairs(members: list[dict[str, Any]], note: Any, where: str) -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for row in members:
        by_name[fold(row["name"])].append(row["id"])
    for ids in by_name.values():
        if len(ids) > 1:
            note(ids, f"same name{where}")
    if len(by_name) > FUZZY_GROUP_LIMIT:
        return
    names = list(by_name)
    for i, first in enumerate(names):
        for second, _score, _ in process.extract(first, names[i + 1:], limit=None,
                                                 scorer=fuzz.token_sort_ratio,
                                                 score_cutoff=NAME_THRESHOLD):
            for a in by_name[first]:
                for b in by_name[second]:
                    note([a, b], f"very similar name{where}")


def possible_duplicates(desk: Desk, record_type: str, values: dict[str, Any],
                        exclude_id: str | None = None, limit: int = 3) -> list[Match]:
    """What an editor shows as a non-blocking hint while a person types a record."""
    if record_type not in MERGEABLE:
        return []
    model = MERGEABLE[record_type]
    region = desk.settings.phone_region
    index = MatchIndex(record_type, region=region)
    group = str(values.get("organization_id") or "") if record_type == "contact" else ""
    with desk.store.read() as session:
        for row in session.scalars(_candidates(model, values, group, region)):
            if row.id != exclude_id:
                index.add(row.id, field_values(row),
                          group=str(getattr(row, "organization_id", "") or ""))
    found: list[Match] = []
    skip = {exclude_id} if exclude_id else set()
    while len(found) < limit:
        match = index.match(values, group, exclude=skip)
        if match is None:
            break
        found.append(match)
        skip.add(match.key)
    return found


def _candidates(model: type[SQLModel], values: dict[str, Any], group: str,
                region: str) -> Any:
    """Rows worth comparing: same group (for names), or text containing an e-mail or phone."""
    from sqlalchemy import String, cast, or_

    live = model.deleted == False  # type: ignore[attr-defined]  # noqa: E712
    conditions = []
    if model is r.Contact:
        conditions.append(r.Contact.organization_id == (group or None))
        for address in _emails(values):
            conditions.append(cast(r.Contact.emails, String).ilike(f"%{email_key(address)}%"))
        for number in _phones(values):
            key = phone_key(split_extension(number)[0], region)
            if key:
                conditions.append(cast(r.Contact.phones, String).like(f"%{key}%"))
        if group == "":
            conditions[0] = r.Contact.organization_id.is_(None)  # type: ignore[union-attr]
    else:
        conditions.append(model.id.is_not(None))  # type: ignore[attr-defined]
    return select(model).where(live, or_(*conditions)).limit(5000)


# -- deciding -----------------------------------------------------------------------
def mark_not_duplicates(desk: Desk, record_type: str, first_id: str, second_id: str) -> None:
    """Remember that these two are different; travels in bundles like any record."""
    low, high = sorted((first_id, second_id))
    record_id = pair_id(record_type, low, high)
    with desk.store.write() as writer:
        existing = writer.session.get(r.NotDuplicate, record_id)
        if existing is None:
            writer.create(r.NotDuplicate, {"record_type": record_type, "first_id": low,
                                           "second_id": high}, record_id=record_id)
        elif existing.deleted:
            writer.restore(existing)


def merge_records(desk: Desk, record_type: str, keep_id: str, other_id: str,
                  chosen_values: dict[str, Any] | None = None) -> dict[str, int]:
    """Make two records one, in one transaction.

    The kept record takes `chosen_values` (the values the person picked field by
    field); every link to the other record moves to the kept one; the other becomes a
    tombstone with its last state in history, so it can be restored. Returns how many
    links of each kind moved.
    """
    if record_type not in MERGEABLE:
        raise ValidationError([FieldProblem("record_type",
                                            "Only contacts and organizations can be merged.")])
    if keep_id == other_id:
        raise ValidationError([FieldProblem("id", "A record cannot be merged with itself.")])
    model = MERGEABLE[record_type]
    service = desk.service(record_type)
    moved: dict[str, int] = defaultdict(int)
    with desk.store.write() as writer:
        keep = writer.session.get(model, keep_id)
        other = writer.session.get(model, other_id)
        if keep is None or other is None or keep.deleted or other.deleted:
            raise NotFoundError("One of the two records is no longer there; nothing was merged.")
        values = {**field_values(keep), **(chosen_values or {})}
        problems = [p for p in service.check(values) if not p.warning]
        if problems:
            raise ValidationError(problems)
        full = {**service.defaults(), **values}
        validation.clean(model, full, validation.Context(region=desk.settings.phone_region))
        writer.undo_as(f"merge of {service.named(other)} into {service.named(full)}")
        service.before_save(writer, full, keep)
        writer.update(keep, {k: full[k] for k in full if full[k] != getattr(keep, k)})
        # The kept record's survival is a write too: another laptop that merged the same
        # pair the other way round deletes this one, without having seen this merge.
        writer.keep_alive(keep)
        _move_links(writer, model, keep_id, other_id, moved)
        writer.delete(other)
    return dict(moved)


def _move_links(writer: Writer, target: type[SQLModel], keep_id: str, other_id: str,
                moved: dict[str, int]) -> None:
    session = writer.session
    kind = type_name(target)
    for name, column in referring(kind):
        model = RECORD_TYPES[name]
        attr = getattr(model, column)
        rows = list(session.scalars(select(model).where(
            attr == other_id, model.deleted == False)))  # type: ignore[attr-defined]  # noqa: E712
        for row in rows:
            if _already_linked(writer, model, row, column, keep_id):
                writer.delete(row)
            else:
                writer.update(row, {column: keep_id})
            moved[name] += 1
    for attachment in session.scalars(select(r.Attachment).where(
            r.Attachment.record_type == kind, r.Attachment.record_id == other_id,
            r.Attachment.deleted == False)):  # noqa: E712
        writer.update(attachment, {"record_id": keep_id})
        moved["attachment"] += 1


def _already_linked(writer: Writer, model: type[SQLModel], row: Any, column: str,
                    keep_id: str) -> bool:
    keys = LINK_KEYS.get(model)
    if not keys:
        return False
    query = select(model).where(getattr(model, column) == keep_id,
                                model.deleted == False)  # type: ignore[attr-defined]  # noqa: E712
    for key in keys:
        query = query.where(getattr(model, key) == getattr(row, key))
    return writer.session.scalars(query).first() is not None
