"""What the CSV, vCard and HSDS importers share: reading the files people actually have,
size limits, and applying an import plan as one transaction that can be undone.

An import is planned first (nothing written): each row becomes a `RowPlan` with its
cleaned values, its problems, and the record it probably duplicates. The person (or
`--on-duplicate`) chooses merge, skip or add for each duplicate, and valid-rows-only
or nothing; `apply_plan` then saves everything through the services' save rules
(`RecordService.save_many`: checks, tags, the "us" organization) and the store's bulk
writer, in one `BEGIN IMMEDIATE` transaction tagged with a batch id. The writer gives
every record it creates an "imported" history entry and keeps the previous state of
every record it changes, both with the batch id, which is what undoing a batch needs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from partnerdesk.db import records as r
from partnerdesk.db.local import ImportBatch
from partnerdesk.errors import PartnerDeskError, ValidationError
from partnerdesk.services import duplicates, validation
from partnerdesk.services.contact_details import entry_key
from partnerdesk.services.desk import Desk
from partnerdesk.services.progress import Progress
from partnerdesk.services.store import Writer, user_fields
from partnerdesk.services.titles import title_of

MB = 1024 * 1024
MAX_FILE_BYTES = 25 * MB  # a spreadsheet or address book far beyond any real contact list
MAX_ROWS = 200_000
MAX_CELL = validation.MAX_TEXT
DUPLICATE_ACTIONS = ("merge", "skip", "add")
LOOKUP_CHUNK = 500  # rows whose matching records are read in one query
MODELS: dict[str, type[SQLModel]] = {"contact": r.Contact, "organization": r.Organization}
FIELD_LABELS = {
    "name": "Name", "role": "Role", "emails": "E-mail", "phones": "Phone", "email": "E-mail",
    "phone": "Phone", "website": "Website", "notes": "Notes", "tags": "Tags", "kind": "Kind",
    "status": "Status", "address": "Address", "mission": "Mission",
    "preferred_contact": "Preferred way to reach", "last_contacted": "Last contacted",
    "latitude": "Latitude", "longitude": "Longitude", "organization": "Organization",
    "internal_notes": "Internal notes", "share_ok": "May share", "department": "Department",
    "addresses": "Address", "websites": "Website",
}


class ImportFileError(PartnerDeskError):
    """The file cannot be imported as it is; nothing was changed."""


# -- reading files ------------------------------------------------------------------
def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"There is no file at {path}. Check the name and try again.")
    size = path.stat().st_size
    if size > limit:
        raise ImportFileError(
            f"“{path.name}” is {size / MB:.0f} MB; files over {limit // MB} MB are not "
            "imported. Split it into smaller files and import each one.")
    return path.read_bytes()


def decode_text(data: bytes, name: str = "The file") -> str:
    """Text from bytes in the encodings people's programs write: UTF-8 (with or without
    BOM), UTF-16 (with or without BOM), Windows-1252. Refuses what is not text."""
    text: str | None = None
    wide = True  # UTF-16 or UTF-32, where a NUL character means the bytes are not text
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = _try(data, "utf-32")
    elif data.startswith(b"\xef\xbb\xbf"):
        wide = False
        text = _try(data, "utf-8-sig")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try(data, "utf-16")
    elif _utf16_without_bom(data[:4096]):
        head = data[:4096]
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        text = _try(data, "utf-16-be" if even > odd else "utf-16-le")
    else:
        wide = False
        text = _try(data, "utf-8")
        if text is None:
            text = _try(data, "cp1252")
    if text is None or not _looks_like_text(text) or (wide and "\x00" in text[:20000]):
        raise ImportFileError(
            f"{name} does not look like a text file PartnerDesk can read (it may be a "
            "spreadsheet in Excel format or damaged). Save it as CSV (UTF-8) or vCard and "
            "try again.")
    return text


def _utf16_without_bom(head: bytes) -> bool:
    """UTF-16 has a NUL beside every ASCII character (letters, commas, line ends: a tenth
    of the text even in Chinese); a stray NUL or two in UTF-8 text (a damaged file) is
    not UTF-16, and read as UTF-16 it would turn every row into nonsense that imports
    as nothing."""
    half = len(head) // 2
    return max(head[0::2].count(0), head[1::2].count(0)) >= max(2, half // 10)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    # a stray NUL counts as one control character: its row is refused by the save rules
    # (services.validation.text_problem), the file's other rows are read
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    return control <= max(2, len(sample) // 200)


def read_text(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    return decode_text(read_bytes(path, limit), f"“{Path(path).name}”")


def check_cell(value: str, label: str) -> str | None:
    """A problem sentence when one cell is far too long to be a real value."""
    if len(value) > MAX_CELL:
        return (f"{label}: this cell is {len(value):,} characters long; the limit is "
                f"{MAX_CELL:,}.")
    return None


# -- planning -----------------------------------------------------------------------
@dataclass
class RowPlan:
    """One row (or card, or service) of the file as it would be imported."""

    row: int
    values: dict[str, Any]
    organization: str = ""  # contacts: the organization named on the row
    record_id: str = ""  # an id carried by the file (our own export)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    match_key: str = ""  # a record id, or "row:N" for an earlier row of this file
    match_title: str = ""
    reason: str = ""
    action: str = "new"  # new, merge, skip, add (for duplicates)
    # The file is this record's source (the same HSDS id): a merge takes its values
    # where it has one, instead of only filling what is empty here.
    replace: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def duplicate(self) -> bool:
        return bool(self.match_key)

    @property
    def title(self) -> str:
        # A row is a contact or an organization (`MODELS`): both are named by "name".
        return title_of("contact", self.values)


@dataclass
class ImportPlan:
    record_type: str  # contact or organization
    kind: str  # csv, vcard, hsds
    source: str
    rows: list[RowPlan] = field(default_factory=list)
    # the file's columns (CSV) that hold something and are left out, by their headers
    not_imported: list[str] = field(default_factory=list)
    # what was left out before planning, as sentences: cards that cannot be read, rows
    # of another record type
    notes: list[str] = field(default_factory=list)

    def set_duplicate_action(self, action: str) -> None:
        if action not in DUPLICATE_ACTIONS:
            raise PartnerDeskError("--on-duplicate takes merge, skip or add.")
        for row in self.rows:
            if row.duplicate:
                row.action = action

    @property
    def invalid(self) -> list[RowPlan]:
        return [row for row in self.rows if not row.valid]

    def counts(self) -> dict[str, int]:
        """What applying would do: the numbers `--json` prints."""
        result = {"new": 0, "merged": 0, "skipped": 0, "invalid": 0}
        for row in self.rows:
            if not row.valid:
                result["invalid"] += 1
            elif row.duplicate and row.action == "merge":
                result["merged"] += 1
            elif row.duplicate and row.action == "skip":
                result["skipped"] += 1
            else:
                result["new"] += 1
        return result


def context(desk: Desk) -> validation.Context:
    return validation.Context(region=desk.settings.phone_region)


def row_cleaner(desk: Desk, record_type: str) -> Callable[[RowPlan], None]:
    """`clean_row` with the defaults and context read once, for files of many rows."""
    defaults = desk.service(record_type).defaults()
    ctx = context(desk)
    return lambda plan_row: clean_row(desk, record_type, plan_row, defaults, ctx)


def clean_row(desk: Desk, record_type: str, plan_row: RowPlan,
              defaults: dict[str, Any] | None = None,
              ctx: validation.Context | None = None) -> None:
    """Validate through the services' rules; normalise values; note problems by field."""
    model = MODELS[record_type]
    if defaults is None:
        defaults = desk.service(record_type).defaults()
    full = {**defaults, **plan_row.values}
    for problem in validation.clean(model, full, ctx or context(desk)):
        label = FIELD_LABELS.get(problem.field, problem.field.replace("_", " ").capitalize())
        text = f"{label}: {problem.message}"
        (plan_row.warnings if problem.warning else plan_row.problems).append(text)
    plan_row.values = {k: full[k] for k in plan_row.values}
    if len(plan_row.organization) > 200:
        plan_row.problems.append("Organization: the name is longer than 200 characters.")


def find_matches(desk: Desk, plan: ImportPlan, progress: Progress | None = None) -> None:
    """Mark each valid row that likely duplicates an existing record or an earlier row."""
    index = duplicates.MatchIndex.from_desk(desk, plan.record_type)
    org_ids = organization_ids(desk) if plan.record_type == "contact" else {}
    existing_ids = _existing_ids(desk, MODELS[plan.record_type],
                                 [row.record_id for row in plan.rows if row.record_id])
    total = len(plan.rows)
    for number, row in enumerate(plan.rows):
        if progress is not None and number % 500 == 0:
            progress.report(number, total, "Looking for duplicates…")
        if not row.valid:
            continue
        group = _group(row, org_ids)
        match: duplicates.Match | None = None
        if row.record_id and row.record_id in existing_ids:
            match = duplicates.Match(row.record_id, existing_ids[row.record_id],
                                     "the same record (exported from PartnerDesk)")
        if match is None:
            match = index.match(row.values, group)
        if match is not None:
            row.match_key, row.reason = match.key, match.reason
            row.match_title = match.title
            row.action = "merge"
        index.add(f"row:{row.row}", row.values, group=group)


def _group(row: RowPlan, org_ids: dict[str, str]) -> str:
    if not row.organization:
        return ""
    return org_ids.get(duplicates.fold(row.organization), "new:" +
                       duplicates.fold(row.organization))


def _existing_ids(desk: Desk, model: type[SQLModel], ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    found: dict[str, str] = {}
    with desk.store.read() as session:
        for start in range(0, len(ids), 500):
            for row_id, name, deleted in session.execute(
                    select(model.id, model.name, model.deleted).where(  # type: ignore[attr-defined]
                        model.id.in_(ids[start:start + 500]))):  # type: ignore[attr-defined]
                if not deleted:
                    found[row_id] = name
    return found


def organization_ids(desk: Desk) -> dict[str, str]:
    """Folded organization name -> id of a live organization with that name."""
    with desk.store.read() as session:
        rows = session.execute(select(r.Organization.id, r.Organization.name).where(
            r.Organization.deleted == False).order_by(r.Organization.created_at)).all()  # noqa: E712
    found: dict[str, str] = {}
    for row_id, name in rows:
        found.setdefault(duplicates.fold(name), row_id)
    return found


# -- applying -----------------------------------------------------------------------
@dataclass
class ImportResult:
    batch_id: str
    counts: dict[str, int]
    organizations_created: int = 0
    not_imported: list[str] = field(default_factory=list)  # as `ImportPlan`
    notes: list[str] = field(default_factory=list)


def refuse_invalid(plan: ImportPlan, valid_only: bool) -> None:
    """Refuse a plan with rows that have problems (unless only the valid ones are wanted),
    and a plan with nothing to import: an import that would record nothing is not made."""
    if not plan.rows:
        raise ImportFileError(f"“{plan.source}” holds nothing to import"
                              + (f": {plan.notes[0]}" if plan.notes else ".")
                              + " Nothing was imported.")
    invalid = plan.invalid
    if len(invalid) == len(plan.rows):
        first = invalid[0]
        raise ImportFileError(
            f"None of the {len(plan.rows)} rows of “{plan.source}” can be imported (row "
            f"{first.row}: {first.problems[0]}), so nothing was imported. Fix them in the "
            "file and try again.")
    if invalid and not valid_only:
        first = invalid[0]
        raise ImportFileError(
            f"{len(invalid)} of {len(plan.rows)} rows have problems (row {first.row}: "
            f"{first.problems[0]}), so nothing was imported. Fix them in the file, or choose "
            "to import only the valid rows.")


def apply_plan(desk: Desk, plan: ImportPlan, *, valid_only: bool = False,
               progress: Progress | None = None,
               extra: Callable[[Writer, dict[int, str]], None] | None = None) -> ImportResult:
    """Write the plan in one transaction, recorded as an import batch that can be undone.

    The records go through their service's save rules (`RecordService.save_many`: the
    checks, tags, the one organization that is "us"), written in bulk. `extra(writer,
    ids_by_row)` lets an importer add its own records (HSDS resources) inside the same
    transaction.
    """
    refuse_invalid(plan, valid_only)
    progress = progress or Progress()
    model = MODELS[plan.record_type]
    service = desk.service(plan.record_type)
    batch_id = str(uuid.uuid4())
    counts = {"new": 0, "merged": 0, "skipped": 0, "invalid": len(plan.invalid)}
    defaults = service.defaults()
    with desk.store.write(batch_id=batch_id, backup_reason="before-import") as writer:
        org_ids = organization_ids(desk) if plan.record_type == "contact" else {}
        new_orgs: list[dict[str, Any]] = []
        ids_by_row: dict[int, str] = {}
        # New records are made at the end, with later rows of the file that duplicate
        # them folded in; existing records get one update. So each record has one
        # history entry in the batch, which is what undoing it needs.
        fresh: dict[str, dict[str, Any]] = {}
        pending: dict[str, dict[str, Any]] = {}
        taken = _taken_ids(writer, model, [row.record_id for row in plan.rows
                                           if row.valid and row.record_id])
        total = len(plan.rows)
        here: dict[str, dict[str, Any]] = {}
        for number, row in enumerate(plan.rows):
            if number % 200 == 0:
                progress.report(number, total, "Importing…")
            if number % LOOKUP_CHUNK == 0:  # the records here the next rows merge into
                here = _matched_here(writer, model, plan.rows[number:number + LOOKUP_CHUNK])
            if not row.valid:
                continue
            values = dict(row.values)
            if plan.record_type == "contact" and row.organization:
                key = duplicates.fold(row.organization)
                if key not in org_ids:
                    org_ids[key] = str(uuid.uuid4())
                    new_orgs.append({"id": org_ids[key], "name": row.organization.strip()})
                values["organization_id"] = org_ids[key]
            target = _target(writer, model, row, ids_by_row, fresh, here)
            if row.duplicate and row.action == "skip":
                counts["skipped"] += 1
                if target:
                    ids_by_row[row.row] = target
                continue
            if row.duplicate and row.action == "merge" and target:
                combine = replaced_values if row.replace else merged_values
                if target in fresh:
                    current = {**defaults, **fresh[target]}
                    fresh[target].update(combine(current, values))
                else:
                    current = {**here[target], **pending.get(target, {})}
                    pending.setdefault(target, {}).update(combine(current, values))
                ids_by_row[row.row] = target
                counts["merged"] += 1
                continue
            record_id = row.record_id
            if not record_id or record_id in fresh or record_id in taken:
                record_id = str(uuid.uuid4())
            fresh[record_id] = values
            ids_by_row[row.row] = record_id
            counts["new"] += 1
        progress.report(total, total, "Saving…")
        try:
            desk.organizations.save_many(writer, new_orgs)
            service.save_many(writer, [{**values, "id": record_id}
                                       for record_id, values in fresh.items()], pending)
            if extra is not None:
                extra(writer, ids_by_row)
        except ValidationError as error:
            raise ImportFileError(f"{error} Nothing was imported; correct the file and "
                                  "try again.") from error
        writer.session.add(ImportBatch(
            id=batch_id, source=plan.source, kind=plan.kind,
            summary={**counts, "record_type": plan.record_type,
                     "organizations_created": len(new_orgs),
                     **({"not_imported": plan.not_imported} if plan.not_imported else {}),
                     **({"notes": plan.notes} if plan.notes else {})}))
    return ImportResult(batch_id, counts, len(new_orgs), list(plan.not_imported),
                        list(plan.notes))


def _taken_ids(writer: Writer, model: type[SQLModel], ids: list[str]) -> set[str]:
    """Which of the ids (carried by the file) a record here has already, live or not."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(writer.session.scalars(select(model.id).where(  # type: ignore[attr-defined]
            model.id.in_(ids[start:start + 500]))))  # type: ignore[attr-defined]
    return found


def _records_here(writer: Writer, model: type[SQLModel],
                  ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Field values of the live records here with these ids (one query)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    names = user_fields(model)
    table = model.__table__  # type: ignore[attr-defined]
    found = writer.session.execute(select(table.c.id, *(table.c[name] for name in names))
                                   .where(table.c.id.in_(wanted), table.c.deleted == False))  # noqa: E712
    return {row_id: dict(zip(names, values, strict=True)) for row_id, *values in found}


def _matched_here(writer: Writer, model: type[SQLModel],
                  rows: list[RowPlan]) -> dict[str, dict[str, Any]]:
    """The records here that these rows likely duplicate."""
    return _records_here(writer, model, (
        row.match_key for row in rows
        if row.valid and row.match_key and not row.match_key.startswith("row:")))


def _target(writer: Writer, model: type[SQLModel], row: RowPlan, ids_by_row: dict[int, str],
            fresh: dict[str, dict[str, Any]], here: dict[str, dict[str, Any]]) -> str:
    """The id a duplicate row merges into: a live record here, or one this import makes."""
    key = row.match_key
    if key.startswith("row:"):
        key = ids_by_row.get(int(key[4:]), "")
    if not key or key in fresh:
        return key
    if key not in here:  # an earlier row of the file merged into it
        here.update(_records_here(writer, model, [key]))
    return key if key in here else ""


LIST_FIELDS = ("emails", "phones", "addresses", "websites")


def _entry_key(name: str, item: dict[str, Any]) -> str:
    if name == "emails":
        return duplicates.email_key(str(item.get("address", "")))
    if name == "phones":
        extension = item.get("extension") or ""
        return duplicates.phone_key(str(item.get("number", "")) +
                                    (f";ext={extension}" if extension else ""))
    return entry_key(name, item)


def merged_values(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Fill what is empty; add e-mails, phones, postal addresses, websites and tags not
    yet there; never overwrite.
    `current` is every field value the record has (or will have) so far."""
    changes: dict[str, Any] = {}
    for name, value in incoming.items():
        if name not in current or value in (None, "", [], {}):
            continue
        old = current[name]
        if name in LIST_FIELDS:
            have = {_entry_key(name, item) for item in old}
            extra = [item for item in value if _entry_key(name, item) not in have]
            if extra:
                changes[name] = [*old, *extra]
        elif name == "tags":
            extra = [t for t in value if t not in old]
            if extra:
                changes[name] = [*old, *extra]
        elif isinstance(old, bool):
            continue  # a flag is never "empty": keep what the person set here
        elif old in (None, "", [], {}):
            changes[name] = value
    return changes


def replaced_values(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """The file's values where it has one (it is the record's source), lists joined as
    `merged_values` joins them; a flag stays as the person set it here."""
    changes = merged_values(current, incoming)
    for name, value in incoming.items():
        if name not in current or name in changes or value in (None, "", [], {}) \
                or isinstance(current[name], bool) or isinstance(value, list):
            continue
        if value != current[name]:
            changes[name] = value
    return changes
