"""Contacts to and from vCard: 3.0 and 4.0 out; 2.1, 3.0 and 4.0 in.

Parsing and writing use vobject. Reading copes with what Android, iOS and macOS,
Outlook, Lotus Notes, Thunderbird, Evolution, Gmail and BlackBerry write: each card's
text is first made ready for vobject (`vcard_text.prepare_card`: quoted-printable,
unescaped commas, pictures and properties vobject trips over), then read for names,
the organization and department (ORG), e-mails, phones with their kinds (fax, pager…)
and extensions (`tel:` URIs' `;ext=`), postal addresses, websites, notes and
categories; grouped properties (`item1.EMAIL` with an `item1.X-ABLabel`) and bare 2.1
type parameters (`TEL;CELL`) give kinds. An EMAIL with no @ in it (Android writes what
was typed there) is no address: its text goes to the notes, with a warning in the preview,
and the card comes in. A card vobject still cannot read is left
out, and the plan names it (`ImportPlan.notes`); the other cards come in. Pictures are
not kept; what a person typed that PartnerDesk has no field for (birthdays, nicknames,
photos, instant messaging…) is named in the plan (`ImportPlan.not_imported`), as a
spreadsheet's unused columns are.

What PartnerDesk keeps that vCard has no property for travels as X- properties
(X-PARTNERDESK-SHARE-OK, -LAST-CONTACTED, -PREFERRED), so a round trip keeps them.
Each card is planned like a CSV row, with the same duplicate handling.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vobject

from partnerdesk.db import vocabulary as v
from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.contact_details import phone_entry
from partnerdesk.services.progress import Progress
from partnerdesk.sharing.import_common import (
    ImportFileError,
    ImportPlan,
    RowPlan,
    check_cell,
    find_matches,
    read_text,
    row_cleaner,
)
from partnerdesk.sharing.vcard_text import card_label, prepare_card

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

VERSIONS = ("3.0", "4.0")
BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
# "ENCODING=QUOTED-PRINTABLE", or the bare parameter vCard 2.1 also allows
# ("org;quoted-printable:", as Thunderbird writes it)
QP = re.compile(r"(?:^|;)(?:ENCODING=)?QUOTED-PRINTABLE(?:;|$)", re.IGNORECASE)
# TYPE words and Apple labels -> our kinds; the first kind of the list found wins, so
# "TEL;WORK;FAX" is a fax and "TYPE=work,cell" a mobile.
PHONE_KINDS = {"fax": "fax", "homefax": "fax", "workfax": "fax", "otherfax": "fax",
               "pager": "pager", "cell": "mobile", "mobile": "mobile", "iphone": "mobile",
               "work": "work", "main": "work", "office": "work", "home": "home",
               "other": "other"}
PHONE_ORDER = ("fax", "pager", "mobile", "work", "home", "other")
EMAIL_KINDS = {"work": "work", "home": "home", "other": "other"}
ADDRESS_KINDS = {"work": "work", "home": "home", "other": "other"}
URL_KINDS = {"work": "work", "home": "home", "homepage": "home", "other": "other"}
# Words that say nothing about whose an entry is.
GENERIC = frozenset({"pref", "internet", "x400", "voice", "msg", "video", "text",
                     "textphone", "postal", "parcel", "dom", "intl", "uri"})
# vCard 4.0 KIND values of cards that are no person (contacts are people)
NOT_PEOPLE = {"group": "a group of contacts", "org": "an organization's card",
              "location": "a place"}
SHARE_OK, LAST_CONTACTED, PREFERRED = ("X-PARTNERDESK-SHARE-OK", "X-PARTNERDESK-LAST-CONTACTED",
                                       "X-PARTNERDESK-PREFERRED")


# -- reading ------------------------------------------------------------------------
def join_soft_breaks(text: str) -> str:
    """Quoted-printable lines ending in '=' continue on the next line (vCard 2.1)."""
    out: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if QP.search(line.split(":", 1)[0]):
            parts = [line]  # joined once: adding line by line is quadratic in the value
            while parts[-1].endswith("=") and index + 1 < len(lines):
                parts[-1] = parts[-1][:-1]
                if not lines[index + 1].strip():  # a blank line ends the value (Android)
                    break
                index += 1
                parts.append(lines[index])
            line = "".join(parts)
        out.append(line)
        index += 1
    return "\r\n".join(out) + "\r\n"


def split_cards(text: str, name: str) -> list[tuple[int, str]]:
    """(card number, text of one card); refuses a file that holds no complete card."""
    cards: list[tuple[int, str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if BEGIN.match(line.strip()):
            if current is not None:
                raise ImportFileError(f"{name} is not a well-formed vCard file: card "
                                      f"{len(cards) + 1} has no END:VCARD line.")
            current = [line]
        elif current is not None:
            current.append(line)
            if END.match(line.strip()):
                cards.append((len(cards) + 1, "\r\n".join(current) + "\r\n"))
                current = None
    if current is not None:
        raise ImportFileError(f"{name} is not a well-formed vCard file: card "
                              f"{len(cards) + 1} has no END:VCARD line. It may have been cut "
                              "short; export it again.")
    if not cards:
        raise ImportFileError(f"{name} holds no contact cards (no BEGIN:VCARD line). Choose "
                              "a .vcf file exported from an address book.")
    return cards


def _types(prop: Any) -> list[str]:
    found: list[str] = []
    for value in prop.params.get("TYPE", []):
        found += [part.strip().strip('"').casefold() for part in value.split(",")]
    found += [p.casefold() for p in getattr(prop, "singletonparams", [])]
    return found


def _labels(card: Any) -> dict[str, str]:
    """Apple's grouped labels: item1.X-ABLabel:_$!<Other>!$_ names item1.EMAIL's kind."""
    labels = {}
    for prop in card.getChildren():
        label = "".join(c for c in str(prop.value).casefold() if c.isalnum())
        if prop.name.upper() == "X-ABLABEL" and prop.group and label:  # "" says nothing
            labels[prop.group] = label
    return labels


def _kind(prop: Any, labels: dict[str, str], table: dict[str, str], default: str,
          order: tuple[str, ...] = ()) -> str:
    """The entry's kind from its TYPE words and label; a word we do not know (a custom
    label, "school") makes it "other"."""
    words = _types(prop) + ([labels[prop.group]] if prop.group in labels else [])
    kinds = [table[word] for word in words if word in table]
    if kinds:
        return min(kinds, key=lambda k: order.index(k)) if order else kinds[0]
    if any(word not in GENERIC for word in words):
        return "other"
    return default


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if str(v).strip())
    return str(value or "").strip()


def _lines(value: Any) -> list[str]:
    """The lines of one ADR component (a list when a writer used commas for lines)."""
    parts = value if isinstance(value, list) else [value]
    return [line.strip() for part in parts for line in str(part or "").split("\n")
            if line.strip()]


def _address(prop: Any, labels: dict[str, str]) -> dict[str, str]:
    adr = prop.value
    street = [*_lines(getattr(adr, "box", "")), *_lines(getattr(adr, "extended", "")),
              *_lines(getattr(adr, "street", ""))]
    return {"kind": _kind(prop, labels, ADDRESS_KINDS, "work"), "street": "\n".join(street),
            "city": " ".join(_lines(getattr(adr, "city", ""))),
            "region": " ".join(_lines(getattr(adr, "region", ""))),
            "postal_code": " ".join(_lines(getattr(adr, "code", ""))),
            "country": " ".join(_lines(getattr(adr, "country", "")))}


def _x_values(plan: RowPlan, key: str, text: str) -> None:
    """PartnerDesk's own X- properties (its exports), read back as they were written."""
    values = plan.values
    if key == SHARE_OK:
        values["share_ok"] = text.casefold() in ("yes", "true", "1")
    elif key == LAST_CONTACTED:
        try:
            values["last_contacted"] = date.fromisoformat(text)
        except ValueError:
            plan.problems.append(f"Last contacted: “{text}” is not a date (YYYY-MM-DD).")
    elif key == PREFERRED and text in v.values(v.CONTACT_PREFERENCES):
        values["preferred_contact"] = text


def card_values(card: Any, number: int) -> RowPlan:
    plan = RowPlan(row=number, values={})
    values = plan.values
    labels = _labels(card)
    lists: dict[str, list[dict[str, str]]] = {"emails": [], "phones": [], "addresses": [],
                                              "websites": []}
    notes: list[str] = []
    not_addresses: list[str] = []  # EMAIL values with no @ (kept in the notes)
    roles: dict[str, str] = {}
    names: dict[str, str] = {}  # FN wins over N, whichever comes first
    for prop in card.getChildren():
        key = prop.name.upper()
        if key == "FN":
            names.setdefault("FN", _text(prop.value))
        elif key == "N":
            n = prop.value
            names.setdefault("N", " ".join(str(part).strip() for part in (
                getattr(n, "prefix", ""), getattr(n, "given", ""),
                getattr(n, "additional", ""), getattr(n, "family", ""),
                getattr(n, "suffix", "")) if str(part).strip()))
        elif key == "ORG" and not plan.organization and "department" not in values:
            parts = prop.value if isinstance(prop.value, list) else [prop.value]
            parts = [str(p).strip() for p in parts]
            plan.organization = parts[0] if parts else ""
            if any(parts[1:]):
                values["department"] = ", ".join(p for p in parts[1:] if p)
        elif key in ("TITLE", "ROLE"):
            roles.setdefault(key, _text(prop.value))
        elif key == "EMAIL":
            text = _text(prop.value)
            if text and "@" not in text:
                # No address at all, but text someone typed (Android's sample card has
                # a name in its second EMAIL): it goes to the notes, said so, rather
                # than holding back the whole card as a problem to fix in the file.
                not_addresses.append(text)
                plan.warnings.append(f"E-mail: “{text}” is not an e-mail address (it has "
                                     "no @); it was put in the notes.")
                continue
            lists["emails"].append({"address": text,
                                    "kind": _kind(prop, labels, EMAIL_KINDS, "work")})
        elif key == "TEL":
            text = _text(prop.value)
            text = text[4:] if text.lower().startswith("tel:") else text
            lists["phones"].append(phone_entry(
                text, _kind(prop, labels, PHONE_KINDS, "work", PHONE_ORDER)))
        elif key == "ADR":
            lists["addresses"].append(_address(prop, labels))
        elif key == "URL":
            url = _text(prop.value)
            lists["websites"].append({"url": url, "kind": _kind(prop, labels, URL_KINDS,
                                                                "work")})
        elif key == "NOTE":
            notes.append(_text(prop.value))
        elif key == "CATEGORIES":
            tags = prop.value if isinstance(prop.value, list) else [prop.value]
            # one escaped "a\, b" (Thunderbird) is several tags all the same
            values["tags"] = list(dict.fromkeys(part.strip() for t in tags
                                                for part in str(t).split(",")
                                                if part.strip()))
        elif key == "UID":
            uid = _text(prop.value).removeprefix("urn:uuid:")
            if _is_uuid(uid):
                plan.record_id = uid
        elif key in (SHARE_OK, LAST_CONTACTED, PREFERRED):
            _x_values(plan, key, _text(prop.value))
    name = names.get("FN") or names.get("N") or ""
    role = roles.get("TITLE") or roles.get("ROLE")
    if role:
        values["role"] = role
    lists["emails"] = [e for e in lists["emails"] if e["address"]]
    lists["phones"] = [p for p in lists["phones"] if p["number"] or p["extension"]]
    lists["websites"] = [w for w in lists["websites"] if w["url"]]
    lists["addresses"] = [a for a in lists["addresses"]
                          if any(a[k] for k in a if k != "kind")]
    emails = lists["emails"]
    values["name"] = name or plan.organization or (emails[0]["address"] if emails else "")
    for field_name, entries in lists.items():
        if entries:
            values[field_name] = entries
    notes += [f"E-mail on the card that is not an address: {text}" for text in not_addresses]
    if notes:
        values["notes"] = "\n".join(n for n in notes if n)
    for field_name, value in values.items():
        if isinstance(value, str):
            problem = check_cell(value, field_name.capitalize())
            if problem:
                plan.problems.append(problem)
    if not values["name"]:
        plan.problems.append("Name: this card has no name, organization or e-mail.")
    return plan


def _role_besides_title(card: Any) -> bool:
    """The card has a TITLE and a ROLE that says something else (Lotus Notes, Outlook):
    the title is the contact's role, and the ROLE is left out."""
    firsts: dict[str, str] = {}
    for prop in card.getChildren():
        if prop.name.upper() in ("TITLE", "ROLE"):
            firsts.setdefault(prop.name.upper(), _text(prop.value))
    return bool(firsts.get("TITLE")) and firsts.get("ROLE", "") not in ("", firsts["TITLE"])


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def read_cards(path: str | Path, not_imported: set[str] | None = None
               ) -> tuple[list[RowPlan], list[str]]:
    """(one planned row per card read, a sentence for each card left out); what the cards
    hold that PartnerDesk has no field for (birthdays, nicknames…) goes into
    `not_imported`, by label."""
    name = f"“{Path(path).name}”"
    text = join_soft_breaks(read_text(path))
    rows: list[RowPlan] = []
    left_out: list[str] = []
    for number, card_text in split_cards(text, name):
        try:
            card = vobject.readOne(prepare_card(card_text, not_imported),
                                   ignoreUnreadable=False)
            kind = _text(card.kind.value).casefold() if hasattr(card, "kind") else ""
            if kind in NOT_PEOPLE:
                label = card_label(number, card_text)
                left_out.append(f"{label[:1].upper()}{label[1:]} is {NOT_PEOPLE[kind]}, not a "
                                "person, and was left out.")
                continue
            rows.append(card_values(card, number))
            if not_imported is not None and _role_besides_title(card):
                not_imported.add("Role (besides the title)")
        except Exception as error:  # vobject raises many kinds for broken cards
            reason = "".join(c if c.isprintable() else " " for c in str(error).strip())
            # vobject counts lines of the card as prepared, not of the file
            reason = re.sub(r"^At line \d+:\s*", "", reason)
            label = card_label(number, card_text)
            left_out.append(f"{label[:1].upper()}{label[1:]} could not be read and was left "
                            f"out ({reason[:120]}).")
    return rows, left_out


def plan_vcard(desk: Desk, path: str | Path, progress: Progress | None = None) -> ImportPlan:
    """The preview of a vCard import: one row per card. Writes nothing."""
    plan = ImportPlan("contact", "vcard", Path(path).name)
    clean = row_cleaner(desk, "contact")
    not_imported: set[str] = set()
    rows, plan.notes = read_cards(path, not_imported)
    plan.not_imported = sorted(not_imported)
    for row in rows:
        if not row.problems:
            clean(row)
        plan.rows.append(row)
    find_matches(desk, plan, progress)
    return plan


# -- writing ------------------------------------------------------------------------
PHONE_TYPES = {"mobile": "cell", "work": "work", "home": "home", "fax": "fax",
               "pager": "pager"}


def contact_card(contact: Any, organization: str, version: str) -> Any:
    """One contact as a vCard: everything PartnerDesk keeps but the internal notes, which
    stay inside the organization."""
    card = vobject.vCard()
    four = version == "4.0"
    card.add("version").value = version
    card.add("uid").value = f"urn:uuid:{contact.id}"
    card.add("fn").value = contact.name
    parts = contact.name.split()
    card.add("n").value = vobject.vcard.Name(
        family=parts[-1] if len(parts) > 1 else contact.name, given=" ".join(parts[:-1]))
    if organization or contact.department:
        card.add("org").value = [organization, contact.department] if contact.department \
            else [organization]
    if contact.role:
        card.add("title").value = contact.role
    for item in contact.emails:
        prop = card.add("email")
        prop.value = item["address"]
        kind = item.get("kind") or "work"
        prop.params["TYPE"] = [kind] if four else ["INTERNET", kind.upper()]
    for item in contact.phones:
        _add_phone(card, item, four)
    for item in contact.addresses:
        prop = card.add("adr")
        prop.value = vobject.vcard.Address(
            street=item.get("street", ""), city=item.get("city", ""),
            region=item.get("region", ""), code=item.get("postal_code", ""),
            country=item.get("country", ""))
        kind = item.get("kind") or "work"
        prop.params["TYPE"] = [kind if four else kind.upper()]
    for item in contact.websites:
        prop = card.add("url")
        prop.value = item["url"]
        kind = item.get("kind") or "work"
        prop.params["TYPE"] = [kind if four else kind.upper()]
    if contact.notes:
        card.add("note").value = contact.notes
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    card.add(SHARE_OK.lower()).value = "yes" if contact.share_ok else "no"
    if contact.last_contacted:
        card.add(LAST_CONTACTED.lower()).value = contact.last_contacted.isoformat()
    if contact.preferred_contact:
        card.add(PREFERRED.lower()).value = contact.preferred_contact
    return card


def _add_phone(card: Any, item: dict[str, Any], four: bool) -> None:
    """3.0: the number as text, "ext. 42" after it; 4.0: a tel: URI with ";ext=42"."""
    prop = card.add("tel")
    kind = item.get("kind") or "work"
    # "other" is no TEL type; x-other reads back as other here and is ignored elsewhere
    words = [PHONE_TYPES.get(kind, "x-other")]
    if kind not in ("fax", "pager"):
        words.append("voice")
    extension = str(item.get("extension") or "")
    if four:
        prop.value = "tel:" + item["number"].replace(" ", "-") + (
            f";ext={extension}" if extension else "")
        prop.params["VALUE"] = ["uri"]
        prop.params["TYPE"] = words
    else:
        prop.value = item["number"] + (f" ext. {extension}" if extension else "")
        prop.params["TYPE"] = [word.upper() for word in words]


def export_vcard(desk: Desk, path: str | Path, version: str = "3.0",
                 shareable_only: bool = False) -> int:
    """Every live contact (or only those who agreed to be shared) as one .vcf file."""
    if version not in VERSIONS:
        raise PartnerDeskError("vCard version must be 3.0 or 4.0.")
    names = {org.id: org.name for org in desk.organizations.list()}
    where = {"share_ok": True} if shareable_only else None
    contacts = desk.contacts.list(where=where)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            for contact in contacts:
                card = contact_card(contact, names.get(contact.organization_id, ""), version)
                handle.write(card.serialize())
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PartnerDeskError(f"Could not write {target}: {error.strerror}. Choose another "
                               "folder.") from error
    desk.log_export(f"vcard-{version}", target, counts={"contact": len(contacts)})
    return len(contacts)
