"""Contacts to and from vCard: 3.0 and 4.0 out; 2.1, 3.0 and 4.0 in.

Parsing and writing use vobject. Reading copes with what phones and mail programs
write: quoted-printable names (vCard 2.1, including soft line breaks, which vobject
does not join itself), folded lines, grouped properties (`item1.EMAIL` with an
`item1.X-ABLabel`), bare 2.1 type parameters (`TEL;CELL`), several e-mails and phones
with their kinds, and `tel:` URIs (4.0). Each card is planned like a CSV row, with
the same duplicate handling.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import vobject

from partnerdesk.errors import PartnerDeskError
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

VERSIONS = ("3.0", "4.0")
BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
QP = re.compile(r"ENCODING=QUOTED-PRINTABLE", re.IGNORECASE)
PHONE_KINDS = {"cell": "mobile", "mobile": "mobile", "iphone": "mobile", "work": "work",
               "home": "home", "main": "work", "office": "work", "pref": ""}
EMAIL_KINDS = {"work": "work", "home": "home", "internet": "", "pref": "", "x400": ""}


# -- reading ------------------------------------------------------------------------
def join_soft_breaks(text: str) -> str:
    """Quoted-printable lines ending in '=' continue on the next line (vCard 2.1)."""
    out: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if QP.search(line.split(":", 1)[0]):
            while line.endswith("=") and index + 1 < len(lines):
                index += 1
                line = line[:-1] + lines[index]
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
        found += [part.strip().casefold() for part in value.split(",")]
    found += [p.casefold() for p in getattr(prop, "singletonparams", [])]
    return found


def _labels(card: Any) -> dict[str, str]:
    """Apple's grouped labels: item1.X-ABLabel:_$!<Other>!$_ names item1.EMAIL's kind."""
    labels = {}
    for prop in card.getChildren():
        if prop.name.upper() == "X-ABLABEL" and prop.group:
            labels[prop.group] = str(prop.value).strip("_$!<>").casefold()
    return labels


def _kind(prop: Any, labels: dict[str, str], table: dict[str, str], default: str) -> str:
    words = _types(prop) + ([labels[prop.group]] if prop.group in labels else [])
    for word in words:
        kind = table.get(word)
        if kind:
            return kind
    if any(word in ("other",) for word in words):
        return "other"
    return default


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if str(v).strip())
    return str(value or "").strip()


def card_values(card: Any, number: int) -> RowPlan:
    plan = RowPlan(row=number, values={})
    values = plan.values
    labels = _labels(card)
    emails: list[dict[str, str]] = []
    phones: list[dict[str, str]] = []
    notes: list[str] = []
    name = ""
    for prop in card.getChildren():
        key = prop.name.upper()
        if key == "FN":
            name = _text(prop.value)
        elif key == "N" and not name:
            n = prop.value
            name = " ".join(str(part).strip() for part in (
                getattr(n, "prefix", ""), getattr(n, "given", ""),
                getattr(n, "additional", ""), getattr(n, "family", ""),
                getattr(n, "suffix", "")) if str(part).strip())
        elif key == "ORG":
            parts = prop.value if isinstance(prop.value, list) else [prop.value]
            plan.organization = str(parts[0]).strip() if parts else ""
        elif key in ("TITLE", "ROLE") and "role" not in values:
            values["role"] = _text(prop.value)
        elif key == "EMAIL":
            emails.append({"address": _text(prop.value),
                           "kind": _kind(prop, labels, EMAIL_KINDS, "work")})
        elif key == "TEL":
            number_text = _text(prop.value)
            number_text = number_text[4:] if number_text.lower().startswith("tel:") else \
                number_text
            phones.append({"number": number_text,
                           "kind": _kind(prop, labels, PHONE_KINDS, "work")})
        elif key == "NOTE":
            notes.append(_text(prop.value))
        elif key == "CATEGORIES":
            tags = prop.value if isinstance(prop.value, list) else [prop.value]
            values["tags"] = [str(t).strip() for t in tags if str(t).strip()]
        elif key == "UID":
            uid = _text(prop.value).removeprefix("urn:uuid:")
            if _is_uuid(uid):
                plan.record_id = uid
    values["name"] = name or plan.organization or (emails[0]["address"] if emails else "")
    if emails:
        values["emails"] = [e for e in emails if e["address"]]
    if phones:
        values["phones"] = [p for p in phones if p["number"]]
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


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def read_cards(path: str | Path) -> list[RowPlan]:
    name = f"“{Path(path).name}”"
    text = join_soft_breaks(read_text(path))
    rows: list[RowPlan] = []
    for number, card_text in split_cards(text, name):
        try:
            card = vobject.readOne(card_text, ignoreUnreadable=False)
        except Exception as error:  # vobject raises many kinds for broken cards
            rows.append(RowPlan(row=number, values={"name": ""}, problems=[
                f"This card cannot be read ({str(error).strip()[:120]})."]))
            continue
        rows.append(card_values(card, number))
    return rows


def plan_vcard(desk: Any, path: str | Path, progress: Progress | None = None) -> ImportPlan:
    """The preview of a vCard import: one row per card. Writes nothing."""
    plan = ImportPlan("contact", "vcard", Path(path).name)
    clean = row_cleaner(desk, "contact")
    for row in read_cards(path):
        if not row.problems:
            clean(row)
        plan.rows.append(row)
    find_matches(desk, plan, progress)
    return plan


# -- writing ------------------------------------------------------------------------
def contact_card(contact: Any, organization: str, version: str) -> Any:
    card = vobject.vCard()
    card.add("version").value = version
    card.add("uid").value = f"urn:uuid:{contact.id}"
    card.add("fn").value = contact.name
    parts = contact.name.split()
    card.add("n").value = vobject.vcard.Name(
        family=parts[-1] if len(parts) > 1 else contact.name, given=" ".join(parts[:-1]))
    if organization:
        card.add("org").value = [organization]
    if contact.role:
        card.add("title").value = contact.role
    for item in contact.emails:
        prop = card.add("email")
        prop.value = item["address"]
        kind = item.get("kind") or "work"
        prop.params["TYPE"] = [kind] if version == "4.0" else ["INTERNET", kind.upper()]
    for item in contact.phones:
        prop = card.add("tel")
        kind = {"mobile": "cell"}.get(item.get("kind") or "work", item.get("kind") or "work")
        if version == "4.0":
            prop.value = "tel:" + item["number"].replace(" ", "-")
            prop.params["VALUE"] = ["uri"]
            prop.params["TYPE"] = [kind, "voice"] if kind != "other" else ["voice"]
        else:
            prop.value = item["number"]
            prop.params["TYPE"] = [kind.upper(), "VOICE"] if kind != "other" else ["VOICE"]
    if contact.notes:
        card.add("note").value = contact.notes
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    return card


def export_vcard(desk: Any, path: str | Path, version: str = "3.0",
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
