"""One vCard's text made ready for vobject: what phones and mail programs write, in the
shape vobject reads without losing or refusing it.

vobject is kept as the parser; it falls short on cards real programs write, so each
card is rewritten first, line by line (every step is needed by a file in
tests/data/ez-vcard):

- Folded lines are unfolded, and quoted-printable values (vCard 2.1: Android, Outlook,
  BlackBerry) are decoded here with their CHARSET, bad bytes replaced: vobject decodes
  them only after splitting the value, and stops at the first byte that is not UTF-8
  (an Android card with a stray 0x80).
- Only the properties PartnerDesk reads are kept. The rest can be large or malformed
  and vobject refuses a whole card for them: a picture whose base64 it cannot decode
  (Android, iPhone), Lotus Notes' `PROFILE:VCard` ("This component already has a
  PROFILE"), Outlook's `X-MS-OL-DESIGN` markup, embedded `AGENT` cards.
- Apple's "\\:" (an escaped colon, which no vCard version has) becomes ":".
- Commas are escaped in every value but CATEGORIES: vobject reads an unescaped comma
  as a list separator and keeps only the first part, so "ORG:Company, The" (vCard 2.1,
  where commas are plain text) became ['Company', ' The'], and a sloppy 3.0
  "FN:Doe, John" became "Doe". In 2.1 a backslash is plain text too, except before a
  semicolon, so values are re-escaped the 3.0 way.
"""

from __future__ import annotations

import quopri
import re

# What `vcard.card_values` reads (grouped or not: `item1.EMAIL`); everything else goes.
KEPT = frozenset({"BEGIN", "END", "VERSION", "KIND", "FN", "N", "ORG", "TITLE", "ROLE", "EMAIL",
                  "TEL", "ADR", "URL", "NOTE", "CATEGORIES", "UID", "X-ABLABEL",
                  "X-PARTNERDESK-SHARE-OK", "X-PARTNERDESK-LAST-CONTACTED",
                  "X-PARTNERDESK-PREFERRED"})
# Properties left out that hold something a person typed, named in the preview and the
# result ("Not imported: Birthday, Nickname") as a spreadsheet's unused columns are; the
# rest left out is the writing program's bookkeeping (PRODID, REV, X-ABUID, CLASS…).
NOT_KEPT_LABELS = {
    "BDAY": "Birthday", "ANNIVERSARY": "Anniversary", "X-ANNIVERSARY": "Anniversary",
    "X-ABDATE": "Other dates", "NICKNAME": "Nickname", "PHOTO": "Photo", "LOGO": "Logo",
    "SOUND": "Sound", "KEY": "Encryption key", "GENDER": "Gender", "LANG": "Languages",
    "GEO": "Position on a map", "TZ": "Time zone",
    "X-PHONETIC-FIRST-NAME": "Phonetic name", "X-PHONETIC-MIDDLE-NAME": "Phonetic name",
    "X-PHONETIC-LAST-NAME": "Phonetic name", "RELATED": "Related people",
    "X-ABRELATEDNAMES": "Related people", "X-SPOUSE": "Related people",
    "X-ASSISTANT": "Related people", "X-MANAGER": "Related people",
    "IMPP": "Instant messaging", "X-AIM": "Instant messaging", "X-ICQ": "Instant messaging",
    "X-JABBER": "Instant messaging", "X-MSN": "Instant messaging",
    "X-YAHOO": "Instant messaging", "X-SKYPE": "Instant messaging",
    "X-SKYPE-USERNAME": "Instant messaging", "X-GOOGLE-TALK": "Instant messaging",
    "X-QQ": "Instant messaging", "X-GADUGADU": "Instant messaging",
}
STRUCTURED = frozenset({"N", "ADR", "ORG"})  # values whose ';' separates components
LISTS = frozenset({"CATEGORIES"})  # values whose ',' separates items
NAME = re.compile(r"^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)")
UNESCAPED_COMMA = re.compile(r"(?<!\\)((?:\\\\)*),")
ESCAPED_COLON = re.compile(r"(?<!\\)((?:\\\\)*)\\:")


def unfold(text: str) -> list[str]:
    """Logical lines: a line starting with a space or tab continues the one before.

    Joined once per logical line (adding to a string line by line took minutes for a
    photo folded over 200,000 lines)."""
    lines: list[list[str]] = []
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and lines:
            lines[-1].append(line[1:])
        elif line.strip():
            lines.append([line])
    return ["".join(parts) for parts in lines]


def split_line(line: str) -> tuple[str, str, str, str] | None:
    """(group, NAME, params text, value) of one content line; None when it has no colon
    outside quotes (not a property)."""
    colon = line.find(":")
    if colon < 0:
        return None
    if '"' not in line[:colon]:  # the usual case, found without a loop over the value
        head, value = line[:colon], line[colon + 1:]
        found = NAME.match(head)
        if found is None:
            return None
        return (found.group(1) or "", found.group(2).upper(), head[found.end():], value)
    inside = False
    for position, char in enumerate(line):
        if char == '"':
            inside = not inside
        elif char == ":" and not inside:
            head, value = line[:position], line[position + 1:]
            found = NAME.match(head)
            if found is None:
                return None
            return (found.group(1) or "", found.group(2).upper(), head[found.end():], value)
    return None


def _params(text: str) -> list[str]:
    """';'-separated parameters, quotes respected (";TYPE=\"work,voice\";PREF=1")."""
    found, current, inside = [], [], False
    for char in text:
        if char == '"':
            inside = not inside
        if char == ";" and not inside:
            if current:
                found.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        found.append("".join(current))
    return [p for p in found if p]


def _charset(params: list[str]) -> str:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().upper() == "CHARSET" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


def _decode_quoted_printable(value: str, charset: str) -> str:
    data = quopri.decodestring(value.encode("latin-1", errors="replace"))
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", errors="replace")


def _escape_21(value: str, structured: bool) -> str:
    """A 2.1 value (backslash is plain text but for '\\;') in 3.0 escaping."""
    parts = re.split(r"(?<!\\);", value) if structured else [value]
    escaped = []
    for part in parts:
        part = part.replace("\\;", ";")
        part = part.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
        part = part.replace("\n", "\\n").replace(",", "\\,")
        if structured:
            part = part.replace(";", "\\;")
        escaped.append(part)
    return ";".join(escaped)


def prepare_card(text: str, left_out: set[str] | None = None) -> str:
    """The card's text as vobject should read it (see the module's docstring); the labels
    of what it leaves out that a person typed (`NOT_KEPT_LABELS`) go into `left_out`."""
    lines = unfold(text)
    version_21 = any(line.strip().upper() == "VERSION:2.1" for line in lines)
    out: list[str] = []
    for line in lines:
        parts = split_line(line)
        if parts is None:
            continue  # a stray line (the tail of a picture): not a property
        group, name, params_text, value = parts
        if name not in KEPT:
            if left_out is not None and name in NOT_KEPT_LABELS and value.strip():
                left_out.add(NOT_KEPT_LABELS[name])
            continue
        params = _params(params_text)
        upper = [p.upper() for p in params]
        if "ENCODING=QUOTED-PRINTABLE" in upper or "QUOTED-PRINTABLE" in upper:
            value = _decode_quoted_printable(value, _charset(params))
            params = [p for p, u in zip(params, upper, strict=True)
                      if u not in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE")
                      and not u.startswith("CHARSET=")]
            if not version_21:  # a 3.0 card with a 2.1 habit: the text is plain
                value = _escape_21(value, name in STRUCTURED)
        elif any(u in ("ENCODING=B", "ENCODING=BASE64", "BASE64") for u in upper):
            continue  # binary data in a property we read as text: not usable
        else:
            params = [p for p in params if not p.upper().startswith("CHARSET=")]
        if version_21 and name not in ("BEGIN", "END", "VERSION"):
            value = _escape_21(value, name in STRUCTURED)
        elif name not in LISTS and name not in ("BEGIN", "END", "VERSION"):
            value = UNESCAPED_COMMA.sub(r"\1\\,", value)
        if not version_21:  # Apple writes "http\://"; no vCard escapes a colon
            value = ESCAPED_COLON.sub(r"\1:", value)
        head = f"{group}.{name}" if group else name
        out.append(head + "".join(f";{p}" for p in params) + ":" + value)
    return "\r\n".join(out) + "\r\n"


def card_label(number: int, text: str) -> str:
    """How to name a card that cannot be read: its number and the name it holds."""
    for wanted in ("FN", "N", "EMAIL"):
        for line in unfold(text):
            parts = split_line(line)
            if parts is None or parts[1] != wanted:
                continue
            value = parts[3]
            if any(p.upper() in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE")
                   for p in _params(parts[2])):
                value = _decode_quoted_printable(value, _charset(_params(parts[2])))
            if wanted == "N":
                value = " ".join(p for p in reversed(value.split(";")[:2]) if p.strip())
            shown = "".join(c if c.isprintable() else " " for c in value.replace("\\", ""))
            shown = " ".join(shown.split())[:60]
            if shown:
                return f"card {number} (“{shown}”)"
    return f"card {number}"
