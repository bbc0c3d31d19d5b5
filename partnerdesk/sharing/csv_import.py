"""Contacts and organizations from the spreadsheets people actually have.

Reads UTF-8 (with or without BOM), UTF-16 and Windows-1252 text, separated by commas,
semicolons or tabs, with quoted cells that hold line breaks, and lines of notes above
the header (LinkedIn). The columns' meaning comes from the layouts in `csv_layouts`
(Google, Outlook, Thunderbird, Apple Contacts, LinkedIn, CiviCRM, PartnerDesk's own), or
from similar header names; the import wizard and `--map COLUMN=field` change it. Columns
left out are named in the plan (`not_imported`). A file that is not a table, or that has
no column of names, is refused with a sentence before anything is planned.

Rows are counted as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from partnerdesk.db import vocabulary as v
from partnerdesk.services.contact_details import ADDRESS_PARTS, address_text, phone_entry
from partnerdesk.services.progress import Progress
from partnerdesk.sharing.csv_layouts import (
    DEFAULT_CELLS,
    IGNORE,
    LAYOUT_NAMES,
    OWN_CONTACT_HEADERS,
    OWN_ID,
    OWN_ORGANIZATION_HEADERS,
    SYNONYMS,
    TARGETS,
    fold_header,
    label_kind,
    link_columns,
    parse_target,
    recognise_layout,
    target_label,
)
from partnerdesk.sharing.import_common import (
    MAX_ROWS,
    ImportFileError,
    ImportPlan,
    RowPlan,
    check_cell,
    find_matches,
    read_text,
    row_cleaner,
)

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk

MULTI = re.compile(r"\s*:::\s*")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_SEARCH = 12  # rows looked at for the header (LinkedIn writes notes above it)
# Which rows fit which record type, by what a "Contact Type" column says.
ROW_KINDS = {"individual": "contact", "person": "contact", "contact": "contact",
             "organization": "organization", "organisation": "organization",
             "company": "organization", "household": "household"}


@dataclass
class CsvTable:
    """A CSV file as read: headers and the data rows with their spreadsheet row numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str


@dataclass
class CsvSource:
    """A table with its recognised layout and column mapping (the wizard edits `mapping`)."""

    table: CsvTable
    record_type: str
    layout: str
    mapping: list[str]  # target per column, "" for ignored

    @property
    def layout_label(self) -> str:
        return LAYOUT_NAMES[self.layout]

    def not_imported(self, rows: list[list[str]] | None = None) -> list[str]:
        """The columns left out that hold something in `rows` (all of them unless given):
        an empty column is not worth naming."""
        cells_of = [cells for _, cells in self.table.rows] if rows is None else rows
        defaults = DEFAULT_CELLS.get(self.layout, {})
        found = []
        for column, (header, target) in enumerate(zip(self.table.headers, self.mapping,
                                                      strict=True)):
            nothing = ("", *defaults.get(fold_header(header), ()))
            if target == IGNORE and any(column < len(cells)
                                        and cells[column].strip().casefold() not in nothing
                                        for cells in cells_of):
                found.append(header or f"Column {column + 1}")
        return found

    def remap(self, choices: list[str]) -> None:
        """`--map COLUMN=field`: each choice a column (its header, or its number from 1)
        and a field (its name or label); a ValueError names what is unknown."""
        targets = TARGETS[self.record_type]
        for choice in choices:
            column_text, sep, field_text = choice.rpartition("=")
            if not sep:
                raise ImportFileError(f"“{choice}” is not COLUMN=field; for example "
                                      "--map \"Work Fax=phone:fax\".")
            column = self._column(column_text)
            try:
                self.mapping[column] = parse_target(self.record_type, field_text)
            except ValueError:
                raise ImportFileError(
                    f"“{field_text.strip()}” is not a field PartnerDesk can fill. Choose one "
                    f"of: ignore, {', '.join(t for t in targets if t)}.") from None

    def _column(self, text: str) -> int:
        wanted = text.strip()
        folded = [h.strip().casefold() for h in self.table.headers]
        if wanted.casefold() in folded:
            return folded.index(wanted.casefold())
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.table.headers):
            return int(wanted) - 1
        raise ImportFileError(
            f"“{self.table.name}” has no column “{wanted}”. Its columns are: "
            f"{', '.join(h for h in self.table.headers if h)}.")


# -- reading ------------------------------------------------------------------------
def read_table(path: str | Path) -> CsvTable:
    name = Path(path).name
    return parse_table(read_text(path), name)


def parse_table(text: str, name: str = "the file") -> CsvTable:
    """The table in a text; a text that is not one is refused with a sentence."""
    if text.lstrip("\ufeff \r\n").upper().startswith("BEGIN:VCARD"):
        raise ImportFileError(f"“{name}” is an address book of vCards, not a spreadsheet. "
                              "Import it as “Contacts from an address book (vCard .vcf)”, "
                              "or with import-vcard.")
    lines = text.splitlines()
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter = lines[0].strip()[4]  # Excel's "sep=;" hint line
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = []
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + HEADER_SEARCH:
                raise ImportFileError(
                    f"“{name}” has more than {MAX_ROWS:,} rows. Split it into smaller files "
                    "and import each one.")
    except csv.Error as error:
        raise ImportFileError(
            f"“{name}” is not a well-formed CSV file near line {reader.line_num} ({error}). "
            "A quote may be missing; open it in a spreadsheet, save it as CSV again and "
            "retry.") from error
    # Rows are numbered as a spreadsheet shows them: one row per record, blank ones too.
    numbered = [(number, rec) for number, rec in enumerate(records, start=1)
                if any(cell.strip() for cell in rec)]
    if not numbered:
        raise ImportFileError(f"“{name}” is empty: there is nothing to import.")
    first = _header_position(numbered)
    header_number, header = numbered[first]
    headers = [h.strip().lstrip("\ufeff") for h in header]
    if not any(headers):
        raise ImportFileError(f"“{name}” has no column names in its first row. Add a header "
                              "row (for example Name, E-mail, Phone) and try again.")
    rows = [(number, cells) for number, cells in numbered[first + 1:] if number > header_number]
    table = CsvTable(name, headers, rows, delimiter)
    _refuse_if_not_a_table(table)
    return table


def _header_position(numbered: list[tuple[int, list[str]]]) -> int:
    """The header is the first row of several cells, after any lines of notes of one cell
    (LinkedIn's "Notes:" lines); a table of one column has its header first."""
    def filled(cells: list[str]) -> int:
        return sum(1 for cell in cells if cell.strip())

    for position, (_number, cells) in enumerate(numbered[:HEADER_SEARCH]):
        if filled(cells) > 1:
            return position if all(filled(c) == 1 for _, c in numbered[:position]) else 0
    return 0


def _refuse_if_not_a_table(table: CsvTable) -> None:
    """A text file that is not a table: one column whose name is no field of any kind, or
    rows that mostly do not have the header's number of cells."""
    if len([h for h in table.headers if h]) == 1 and len(table.headers) == 1:
        folded = fold_header(table.headers[0])
        if all(folded not in names for synonyms in SYNONYMS.values()
               for names in synonyms.values()):
            raise ImportFileError(
                f"“{table.name}” is not a table: its first line (“{table.headers[0][:40]}”) "
                "is not a row of column names. Save the list from a spreadsheet as CSV, with "
                "names such as Name, E-mail and Phone in the first row.")
    width = len(table.headers)
    ragged = sum(1 for _, cells in table.rows
                 if len(cells) > width and any(c.strip() for c in cells[width:]))
    if table.rows and ragged * 2 > len(table.rows):
        raise ImportFileError(
            f"“{table.name}” is not a table PartnerDesk can read: {ragged} of its "
            f"{len(table.rows)} rows have more cells than its {width} column names. Check that "
            "it is saved as CSV with one separator (comma, semicolon or tab).")


def sniff_delimiter(text: str) -> str:
    """The separator the header line uses most, outside quotes (the first line of several
    cells: notes may come first)."""
    lines = _first_records(text, HEADER_SEARCH)
    for line in lines:
        counts = {d: line.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
    return ","


def _first_records(text: str, count: int) -> list[str]:
    """The first lines of the text, quoted parts left out."""
    inside, out, lines = False, [], []
    for char in text[:40000]:
        if char == '"':
            inside = not inside
        elif char in "\r\n" and not inside:
            if out:
                lines.append("".join(out))
                out = []
                if len(lines) >= count:
                    break
        elif not inside:
            out.append(char)
    if out:
        lines.append("".join(out))
    return lines


# -- recognising layouts --------------------------------------------------------------
def recognise(table: CsvTable, record_type: str) -> CsvSource:
    layout, mapping = recognise_layout(table.headers, record_type)
    return CsvSource(table, record_type, layout, mapping)


def open_csv(path: str | Path, record_type: str) -> CsvSource:
    return recognise(read_table(path), record_type)


def check_mapping(source: CsvSource) -> None:
    """Refuse a mapping with no column of names: every row would be refused."""
    names = {"name", "given", "additional", "family", "prefix", "suffix"}
    if source.record_type == "contact":
        names |= {"email", "email:work", "email:home", "email:other"}
    elif source.record_type == "organization":
        names = {"name"}
    if any(target in names for target in source.mapping):
        return
    what = "people's names" if source.record_type == "contact" else \
        "the organizations' names"
    raise ImportFileError(
        f"No column of “{source.table.name}” holds {what} (its columns are: "
        f"{', '.join(h for h in source.table.headers if h)}). Choose the column of names in "
        "the import wizard, or name it on the command line with --map \"COLUMN=name\".")


# -- turning rows into values --------------------------------------------------------
def unneutralise(cell: str) -> str:
    """Reverse what our export does to formula-looking cells: "'=SUM" -> "=SUM"."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


def split_multi(cell: str, split_semicolons: bool, commas: bool = False) -> list[str]:
    """Google's ' ::: ' always; also ';' (and ',' for e-mails) in hand-made lists."""
    parts = MULTI.split(cell)
    if split_semicolons:
        pattern = r"\s*[;,]\s*" if commas else r"\s*;\s*"
        parts = [p for part in parts for p in re.split(pattern, part)]
    return [p.strip() for p in parts if p.strip()]


def _own_items(cell: str, allowed: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """'work: a@x.org ::: home: b@y.org' -> [('work', 'a@x.org'), ('home', 'b@y.org')]."""
    items = []
    for part in split_multi(cell, split_semicolons=False):
        kind, sep, value = part.partition(": ")
        if sep and kind.strip().casefold() in v.values(allowed):
            items.append((kind.strip().casefold(), value.strip()))
        else:
            items.append(("", part))
    return items


def _tags(cell: str) -> list[str]:
    parts = [p for p in re.split(r"\s*(?::::|;|,)\s*", cell) if p.strip()]
    # Google's own groups ("* myContacts", "* starred") say nothing about the person
    return list(dict.fromkeys(p.strip() for p in parts if not p.strip().startswith("*")))


def _choice(text: str, choices: tuple[tuple[str, str], ...], label: str,
            problems: list[str]) -> str | None:
    wanted = text.strip().casefold()
    for value, shown in choices:
        if wanted in (value, shown.casefold()):
            return value
    allowed = ", ".join(shown for _, shown in choices if shown)
    problems.append(f"{label}: “{text}” is not one of: {allowed}.")
    return None


def parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


ENTRY_KINDS = {"email": v.EMAIL_KINDS, "phone": v.PHONE_KINDS, "website": v.WEBSITE_KINDS}
ENTRY_KEYS = {"email": ("emails", "address"), "phone": ("phones", "number"),
              "website": ("websites", "url")}


@dataclass
class _Row:
    """What one row's cells add up to before they become record values."""

    parts: dict[str, str] = field(default_factory=dict)
    entries: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    addresses: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    extensions: dict[int, str] = field(default_factory=dict)  # phone column -> extension


class RowReader:
    """Turns rows of one source into record values; the column links are found once."""

    def __init__(self, source: CsvSource) -> None:
        self.source = source
        self.own = source.layout == "partnerdesk"
        self.kinds, self.extensions = link_columns(source.mapping)
        self.headers = source.table.headers
        self.kind_column = next((c for c, t in enumerate(source.mapping) if t == "record_kind"),
                                None)

    def row_kind(self, cells: list[str]) -> str:
        """The record type a row says it is ("contact", "organization", "household"), or
        "" when the file does not say."""
        if self.kind_column is None or self.kind_column >= len(cells):
            return ""
        return ROW_KINDS.get(cells[self.kind_column].strip().casefold(), "")

    def values(self, number: int, cells: list[str]) -> RowPlan:
        """One row's cells as record values, with problems that need no database."""
        source, headers = self.source, self.headers
        plan = RowPlan(row=number, values={})
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
            plan.problems.append(
                f"This row has {len(cells)} cells but the header has {len(headers)}; a "
                "separator or quote may be out of place.")
            return plan
        cells = [*cells, *[""] * (len(headers) - len(cells))]
        if self.own:
            cells = [unneutralise(c) for c in cells]
        found = _Row()
        for column, target in enumerate(source.mapping):
            cell = cells[column]
            if not target or target.endswith("_kind") or target in ("phone_extension",
                                                                    "record_kind") \
                    or not cell.strip():
                continue
            problem = check_cell(cell, headers[column] or f"Column {column + 1}")
            if problem:
                plan.problems.append(problem)
                continue
            self._cell(plan, found, column, target, cell, cells)
        self._finish(plan, found)
        return plan

    def _cell(self, plan: RowPlan, found: _Row, column: int, target: str, cell: str,
              cells: list[str]) -> None:
        values = plan.values
        base, _, fixed_kind = target.partition(":")
        contact = self.source.record_type == "contact"
        if base in ENTRY_KINDS and contact:
            allowed = ENTRY_KINDS[base]
            label_column = self.kinds.get(column)
            label = cells[label_column] if label_column is not None else ""
            items = (_own_items(cell, allowed) if self.own else
                     [("", p) for p in split_multi(cell, split_semicolons=True,
                                                   commas=base == "email")])
            extension = ""
            if base == "phone" and column in self.extensions:
                extension = cells[self.extensions[column]].strip()
            for position, (kind, value) in enumerate(items):
                kind = kind or fixed_kind or label_kind(label, allowed, "work")
                key = ENTRY_KEYS[base][1]
                if base == "phone":
                    entry = phone_entry(value, kind, extension if position == 0 else "")
                else:
                    entry = {key: value, "kind": kind}
                found.entries.setdefault(base, []).append(entry)
        elif base == "address" and contact:
            group, _, part = fixed_kind.partition(":")
            if self.own:
                # one entry per " ::: " part, the same position in every address column
                for position, text in enumerate(MULTI.split(cell)):
                    found.addresses.setdefault(f"own{position}", {}).setdefault(
                        part, []).append(text.strip())
            else:
                found.addresses.setdefault(group, {}).setdefault(part, []).append(cell.strip())
        elif base == "address" and fixed_kind:  # an organization's address parts
            found.addresses.setdefault("", {}).setdefault(fixed_kind, []).append(cell.strip())
        elif target in ("given", "additional", "family", "prefix", "suffix"):
            found.parts[target] = cell.strip()
        elif target == "organization":
            plan.organization = cell.strip()
        elif target == "id":
            plan.record_id = cell.strip()[:36]
        elif target == "tags":
            values["tags"] = _tags(cell)
        elif target == "share_ok":
            answer = cell.strip().casefold()
            values["share_ok"] = answer in ("yes", "y", "true", "1", "x")
            if answer not in ("yes", "y", "true", "1", "x", "no", "n", "false", "0"):
                plan.problems.append(f"May share: write yes or no, not “{cell}”.")
        elif target == "last_contacted":
            when = parse_date(cell)
            if when is None:
                plan.problems.append(f"Last contacted: “{cell}” is not a date; write it as "
                                     "YYYY-MM-DD.")
            values["last_contacted"] = when
        elif target in ("latitude", "longitude"):
            try:
                values[target] = float(cell.strip().replace(",", "."))
            except ValueError:
                plan.problems.append(f"{target.capitalize()}: “{cell}” is not a number.")
        elif target == "kind":
            values["kind"] = _choice(cell, v.ORGANIZATION_KINDS, "Kind", plan.problems)
        elif target == "status":
            values["status"] = _choice(cell, v.ORGANIZATION_STATUSES, "Status", plan.problems)
        elif target == "preferred_contact":
            values["preferred_contact"] = _choice(cell, v.CONTACT_PREFERENCES,
                                                  "Preferred way to reach", plan.problems)
        elif target in ("email", "phone", "website"):  # an organization's single value
            values[target] = split_multi(cell, split_semicolons=True)[0]
        elif target in ("notes", "internal_notes") and target in values:
            values[target] += "\n" + cell.strip()
        else:
            values[target] = cell.strip()

    def _finish(self, plan: RowPlan, found: _Row) -> None:
        values = plan.values
        if self.source.record_type == "contact":
            for base, entries in found.entries.items():
                if base == "phone" and not self.own:  # a fax or pager column first: not main
                    entries.sort(key=lambda entry: entry["kind"] in ("fax", "pager"))
                values[ENTRY_KEYS[base][0]] = entries
            addresses = [_address(parts, group) for group, parts in found.addresses.items()]
            if any(addresses):
                values["addresses"] = [a for a in addresses if a]
        elif "" in found.addresses:
            parts = found.addresses[""]
            composed = address_text({part: "\n".join(parts.get(part, []))
                                     for part in ADDRESS_PARTS})
            if composed and not values.get("address"):
                values["address"] = composed
        if not values.get("name"):
            joined = " ".join(found.parts[k] for k in ("prefix", "given", "additional",
                                                       "family", "suffix")
                              if found.parts.get(k))
            emails = values.get("emails") or []
            values["name"] = joined or (emails[0]["address"] if emails else "")
        plan.values = {k: val for k, val in values.items() if val is not None}
        if not plan.values.get("name"):
            plan.problems.append("Name: the row has no name (and no e-mail to use instead).")


def _address(parts: dict[str, list[str]], group: str) -> dict[str, str] | None:
    """One address from its columns: street lines joined, the whole-address text used when
    there are no parts, the kind from its label column or its group."""
    entry = {part: "\n".join(p for p in parts.get(part, []) if p) for part in ADDRESS_PARTS}
    if not any(entry.values()):
        formatted = "\n".join(p for p in parts.get("formatted", []) if p)
        if not formatted:
            return None
        entry["street"] = formatted
    label = " ".join(parts.get("kind", []))
    default = group if group in v.values(v.ADDRESS_KINDS) else "work"
    entry["kind"] = label_kind(label, v.ADDRESS_KINDS, default) if label else default
    return entry


def build_plan(desk: Desk, source: CsvSource, progress: Progress | None = None) -> ImportPlan:
    """The preview: every row's values, problems and likely duplicate. Writes nothing.

    Rows a "Contact Type" column gives to another record type are left out, and the plan
    says how many."""
    check_mapping(source)
    plan = ImportPlan(source.record_type, "csv", source.table.name)
    total = len(source.table.rows)
    kept: list[list[str]] = []
    clean = row_cleaner(desk, source.record_type)
    reader = RowReader(source)
    left_out: dict[str, int] = {}
    for index, (number, cells) in enumerate(source.table.rows):
        if progress is not None and index % 500 == 0:
            progress.report(index, total, "Reading rows…")
        kind = reader.row_kind(cells)
        if kind and kind != source.record_type:
            label = cells[reader.kind_column or 0].strip()
            left_out[label] = left_out.get(label, 0) + 1
            continue
        kept.append(cells)
        row = reader.values(number, cells)
        if not row.problems:
            clean(row)
        plan.rows.append(row)
    plan.not_imported = source.not_imported(kept)
    for label, count in left_out.items():
        other = "organizations" if source.record_type == "contact" else "contacts"
        plan.notes.append(
            f"{count} {'row says' if count == 1 else 'rows say'} “{label}” in the "
            f"{source.table.headers[reader.kind_column or 0]} column and "
            f"{'was' if count == 1 else 'were'} left out"
            + (f"; import {'it' if count == 1 else 'them'} as {other}."
               if ROW_KINDS.get(label.casefold()) != "household" else
               " (households are neither a person nor an organization)."))
    find_matches(desk, plan, progress)
    return plan


def plan_csv(desk: Desk, path: str | Path, record_type: str,
             progress: Progress | None = None, mapping: list[str] | None = None) -> ImportPlan:
    """Open, recognise, apply `--map` choices (`mapping`), then plan. Writes nothing."""
    if record_type not in TARGETS:
        raise ImportFileError("Choose contacts or organizations to import.")
    source = open_csv(path, record_type)
    if mapping:
        source.remap(mapping)
    return build_plan(desk, source, progress)


__all__ = ["OWN_CONTACT_HEADERS", "OWN_ID", "OWN_ORGANIZATION_HEADERS", "TARGETS", "CsvSource",
           "CsvTable", "build_plan", "open_csv", "plan_csv", "target_label"]
