"""Saving a record whole: the record and its child rows in one step, all or nothing.

A partnership with its partners, milestones, indicators and measurements, an agreement
with its parties, obligations, signatories and files, a meeting with its attendees and
action items: a person edits them together, so they are saved together. `save_whole`
checks every row first (the record's own rules and each child type's service rules,
links to rows made in the same save included) and refuses the whole save, naming the
row, when any of them is wrong; then it writes them all through one `store.write()`, so
a failure half-way leaves nothing of the save behind. `reviews.record_review` has the
same shape.

For each child list the caller sends a `ChildChanges`: new rows, the fields changed on
existing rows, and the ids of rows removed (they become tombstones, which travel to
other laptops). Only what changed travels, so a field someone else changed meanwhile
(in another window, or from a partner's bundle) keeps their value.

Saving over someone else's save (another person on an office database, another window):
the caller gives the revision it opened the record at (`rev`) and, in `ChildChanges.revs`,
each child row's; the record and each such row then go through the rule single saves use
(`services.edit_clash.changes_to_save`): fields only this person changed go through, and
a field both changed raises one `EditClash` naming them all (the child rows' under
`EditClash.rows`), with nothing written. Removals are checked the same way, so neither
person's work goes unseen:
- a row this person removed that someone else changed since it was read is a clash
  (`removed_here`, with what they changed): nothing is removed, and saving again against
  the clash's revision removes it;
- a row this person changed that someone else removed meanwhile is a clash (`deleted`);
  saving again against the clash's revision (the removal's) brings the row back with this
  person's change (an edit beats a deletion it had not seen, as between laptops).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from partnerdesk.errors import (
    EditClash,
    FieldProblem,
    NotFoundError,
    RowProblem,
    ValidationError,
)
from partnerdesk.services.edit_clash import changed_since, changes_to_save
from partnerdesk.services.records import RecordService
from partnerdesk.services.store import Change, Writer

T = TypeVar("T", bound=SQLModel)

TITLE_FIELDS = ("name", "title", "description", "filename")
LABEL_LENGTH = 60  # a row named in a message: enough to recognise it


@dataclass(frozen=True)
class ChildChanges:
    """What one save does to one list of child rows.

    `new`: the field values of rows to add; a row may carry an "id" chosen by the caller,
    so a row of another list in the same save can link to it (a measurement of an
    indicator added with it). `changed`: id -> the fields that changed. `removed`: ids
    of rows to remove. `revs`: id -> the revision a changed row had when the caller read
    it; such a row's changes are merged with any save of it made since (see the module
    docstring) instead of written over it."""

    new: Sequence[Mapping[str, Any]] = ()
    changed: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    removed: Sequence[str] = ()
    revs: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.removed)


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What a whole save wrote: the record as saved, and the ids of the new child rows."""

    record: T
    created: Mapping[str, tuple[str, ...]]  # list name -> ids of its new rows, in order sent
    changes: tuple[Change, ...]

    @property
    def id(self) -> str:
        return str(self.record.id)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ChildList:
    """One kind of child row a record is saved with, and its rules."""

    name: str  # the keyword of `save` ("milestones")
    service: RecordService[Any]  # its own rules (validation, `before_save`) apply to each row
    noun: str  # "milestone", in messages
    parent_field: str | None  # the link to the record; None: the record's service checks it
    label_field: str  # the field that names a row in a message
    label_model: type[SQLModel] | None = None  # the label field links to this record type
    unique_by: str | None = None  # one row per value of this field (one per organization)
    duplicate: str = ""  # refuses a second row ("{name} is already a partner."); "": dropped
    adopts: bool = False  # rows of another record may be moved here (carried-over items)
    fixed: Mapping[str, Any] = field(default_factory=dict)  # values every row has


@dataclass
class RowStep:
    """One child row's planned write."""

    spec: ChildList
    action: str  # create, update, delete
    record_id: str
    row: Any | None  # the row as stored (None for a new one)
    values: dict[str, Any] = field(default_factory=dict)  # full cleaned values to write
    new_index: int | None = None


@dataclass
class Plan:
    """Everything one whole save will write, checked before the first write."""

    parent_id: str
    values: dict[str, Any]
    current: Any | None
    steps: list[RowStep] = field(default_factory=list)
    # Removed rows this save brings back: their person saw the removal and kept their edit.
    revived: set[str] = field(default_factory=set)

    def steps_of(self, name: str, *actions: str) -> list[RowStep]:
        return [step for step in self.steps if step.spec.name == name
                and (not actions or step.action in actions)]


def day_text(day: date) -> str:
    return f"{day:%d %b %Y}".lstrip("0")


def title_of(row: Any) -> str:
    for name in TITLE_FIELDS:
        if hasattr(row, name):
            return str(getattr(row, name) or "")
    return ""


class WholeSaveService(RecordService[T]):
    """A record type saved together with its child rows (see the module docstring)."""

    children: tuple[ChildList, ...] = ()

    # -- what a record type may add ---------------------------------------------------
    def row_defaults(self, spec: ChildList, values: dict[str, Any]) -> dict[str, Any]:
        """Values a new child row takes from its record unless the caller gives them."""
        return {}

    def check_rows(self, session: Session, plan: Plan) -> list[FieldProblem]:
        """A type's own rules across its rows; problems refuse the whole save."""
        return []

    def after_rows(self, writer: Writer, plan: Plan) -> None:
        """Writes that follow from the rows written (inside the same transaction)."""

    def owned_rows(self, session: Session, spec: ChildList, row_ids: Sequence[str],
                   record_id: str) -> set[str]:
        """Which of these rows of a list without its own link to the record
        (`parent_field` None) are the record's; a type with such a list says."""
        return set()

    def concerns(self, record_id: str, changes: Iterable[Change]) -> bool:
        """Does any of these changes write a child row of this record (a partner, a
        milestone, an attendee), or may it (a big write, announced by record type only)?

        A change notice names the rows a save wrote, not the record they belong to: what
        an editor open on the record asks of one. A removed row still links to its
        record (a tombstone), so its removal counts too."""
        by_type: dict[str, set[str]] = {}
        for change in changes:
            by_type.setdefault(change.record_type, set()).add(change.record_id)
        specs = [spec for spec in self.children if spec.service.type_name in by_type]
        if not specs:
            return False
        if any("" in by_type[spec.service.type_name] for spec in specs):
            return True
        with self.store.read() as session:
            for spec in specs:
                ids = sorted(by_type[spec.service.type_name])
                if spec.parent_field is None:
                    if self.owned_rows(session, spec, ids, record_id):
                        return True
                    continue
                model = spec.service.model
                found = session.execute(select(model.id).where(  # type: ignore[attr-defined]
                    model.id.in_(ids),  # type: ignore[attr-defined]
                    getattr(model, spec.parent_field) == record_id).limit(1)).first()
                if found is not None:
                    return True
        return False

    # -- the save ---------------------------------------------------------------------
    def save_whole(self, values: Mapping[str, Any], record_id: str | None,
                   changes: Mapping[str, ChildChanges | None], *,
                   rev: str | None = None) -> Saved[T]:
        """Create (`record_id` None) or update the record with its child rows, as one step.

        `rev`: the revision the caller opened the record at (see the module docstring).
        Raises ValidationError listing every problem (each child row's named in its
        message, as a `RowProblem`), EditClash when someone else changed a field this save
        changes too (or removed the record), and NotFoundError for a record that is not
        there; whichever it is, nothing is written."""
        known = {spec.name for spec in self.children}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"{self.type_name} has no child rows called {unknown}")
        with self.store.write() as writer:
            plan = self._plan(writer.session, dict(values), record_id, changes, rev)
            writer.undo_as(f"{'adding' if record_id is None else 'edit of'} "
                           f"{self.named(plan.values)}")
            record = self._write(writer, plan)
            made = tuple(writer.changes)
        created = {spec.name: tuple(step.record_id for step in plan.steps_of(spec.name, "create"))
                   for spec in self.children}
        return Saved(record, created, made)

    def _plan(self, session: Session, values: dict[str, Any], record_id: str | None,
              changes: Mapping[str, ChildChanges | None], rev: str | None = None) -> Plan:
        current = None
        if record_id is not None:
            # The row is locked until the save commits (always on an office database; on
            # a file when saving against a revision), so another person's save of it
            # meanwhile waits instead of being written over.
            current = session.get(self.model, record_id,
                                  with_for_update=rev is not None
                                  or self.store.address is not None)
            if current is None:
                raise NotFoundError(
                    f"No {self.type_name.replace('_', ' ')} with id {record_id}. It may "
                    "have been removed meanwhile; nothing was saved.")
        values, changes, revived = self._merged(session, current, values, changes, rev)
        parent_id = record_id or str(uuid.uuid4())
        problems: list[FieldProblem] = []
        new_ids = self._new_ids(session, changes, problems)
        known_ids = set(new_ids.values()) | ({parent_id} if current is None else set())
        try:
            full = self.validated(values, current, known_ids=known_ids, session=session)
        except ValidationError as error:
            problems += error.problems
            full = {**self.defaults(), **values}
        plan = Plan(parent_id, full, current, revived=revived)
        for spec in self.children:
            change = changes.get(spec.name)
            if change:
                problems += self._plan_rows(session, plan, spec, change, new_ids, known_ids)
        if not problems:
            problems += self.check_rows(session, plan)
        if problems:
            raise ValidationError(problems)
        return plan

    def _merged(self, session: Session, current: Any | None, values: dict[str, Any],
                changes: Mapping[str, ChildChanges | None], rev: str | None,
                ) -> tuple[dict[str, Any], dict[str, ChildChanges | None], set[str]]:
        """The record's values and the child rows' changes this save may write, after the
        rule of `changes_to_save` for the record (opened at `rev`) and for each changed
        or removed row sent with its revision, and the removed rows the save brings back
        (see the module docstring). Every clash is gathered into one `EditClash`."""
        changes = dict(changes)
        clashes: dict[tuple[str, str], EditClash] = {}
        revived: set[str] = set()
        own: EditClash | None = None
        if current is not None and rev is not None:
            try:
                values = changes_to_save(session, current, values, rev)
            except EditClash as clash:
                if clash.deleted:
                    raise
                own = clash
        for spec in self.children:
            change = changes.get(spec.name)
            ids = sorted(set(change.revs) & set(change.changed)) if change else []
            gone = sorted(set(change.revs) & set(change.removed)) if change else []
            if not change or not (ids or gone):
                continue
            model = spec.service.model
            # Locked until the save commits, in id order (two saves at once take turns
            # instead of deadlocking), so no one saves a row between its check and this
            # save's write of it.
            rows = {row.id: row for row in session.scalars(
                select(model).where(model.id.in_(sorted({*ids, *gone})))  # type: ignore[attr-defined]
                .order_by(model.id).with_for_update())}  # type: ignore[attr-defined]
            merged = dict(change.changed)
            for child_id in ids:
                row = rows.get(child_id)
                if row is None:
                    continue  # refused by the plan as a row no longer there
                seen = change.revs[child_id]
                if row.deleted and row.rev == seen:
                    revived.add(child_id)  # the person saw the removal and kept the row
                    continue
                try:
                    merged[child_id] = changes_to_save(session, row, dict(merged[child_id]),
                                                       seen)
                except EditClash as clash:
                    clashes[(spec.name, child_id)] = clash
            for child_id in gone:
                row = rows.get(child_id)
                if row is None or row.deleted or row.rev == change.revs[child_id]:
                    continue  # as read (or removed by them too): the removal goes ahead
                clashes[(spec.name, child_id)] = EditClash(
                    changed_since(session, row, change.revs[child_id]), str(row.rev),
                    removed_here=True)
            changes[spec.name] = ChildChanges(change.new, merged, change.removed, change.revs)
        if own is not None or clashes:
            raise EditClash(own.fields if own is not None else {},
                            str(current.rev) if current is not None else "",  # type: ignore[attr-defined]
                            rows=clashes)
        return values, changes, revived

    def _new_ids(self, session: Session, changes: Mapping[str, ChildChanges | None],
                 problems: list[FieldProblem]) -> dict[tuple[str, int], str]:
        """(list, index) -> id of every new row: the caller's, or a fresh one."""
        found: dict[tuple[str, int], str] = {}
        seen: set[str] = set()
        for spec in self.children:
            change = changes.get(spec.name)
            for index, row in enumerate(change.new if change else ()):
                given = row.get("id")
                if given and (given in seen or session.get(spec.service.model, given)):
                    problems.append(RowProblem(
                        spec.name, f"New {spec.noun} {index + 1}: the id {given} is already "
                        "in use.", new_index=index, row_field="id"))
                if given:
                    seen.add(given)
                found[(spec.name, index)] = given or str(uuid.uuid4())
        return found

    def _plan_rows(self, session: Session, plan: Plan, spec: ChildList, change: ChildChanges,
                   new_ids: dict[tuple[str, int], str],
                   known_ids: set[str]) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        service, model = spec.service, spec.service.model
        link = {spec.parent_field: plan.parent_id} if spec.parent_field else {}
        for record_id in change.removed:
            row = session.get(model, record_id)
            if row is None or not self._belongs(spec, row, plan.parent_id):
                problems.append(self._missing(spec, record_id))
            elif not row.deleted:  # removed meanwhile: nothing left to do
                plan.steps.append(RowStep(spec, "delete", record_id, row))
        for record_id, fields in change.changed.items():
            row = session.get(model, record_id)
            if row is None or not (spec.adopts or self._belongs(spec, row, plan.parent_id)):
                problems.append(self._missing(spec, record_id))
                continue
            try:
                full = service.validated({**fields, **spec.fixed, **link}, row,
                                         known_ids=known_ids, session=session)
            except ValidationError as error:
                problems += self._row_problems(session, spec, error, {**fields},
                                               row=row, record_id=record_id)
                continue
            plan.steps.append(RowStep(spec, "update", record_id, row, full))
        defaults = self.row_defaults(spec, plan.values)
        for index, fields in enumerate(change.new):
            record_id = new_ids[(spec.name, index)]
            given = {name: value for name, value in fields.items() if name != "id"}
            try:
                full = service.validated({**defaults, **given, **spec.fixed, **link}, None,
                                         known_ids=known_ids, session=session)
            except ValidationError as error:
                problems += self._row_problems(session, spec, error, given, index=index)
                continue
            plan.steps.append(RowStep(spec, "create", record_id, None, full, index))
        if spec.unique_by and not problems:
            problems += self._unique(session, plan, spec)
        return problems

    def _unique(self, session: Session, plan: Plan, spec: ChildList) -> list[FieldProblem]:
        """One row per value of `spec.unique_by`: a second one is refused or dropped."""
        key = spec.unique_by
        assert key is not None and spec.parent_field is not None
        model = spec.service.model
        gone = {step.record_id for step in plan.steps_of(spec.name, "delete")}
        changed = {step.record_id: step.values for step in plan.steps_of(spec.name, "update")}
        taken = {changed[row.id][key] if row.id in changed else getattr(row, key)
                 for row in session.scalars(select(model).where(
                     getattr(model, spec.parent_field) == plan.parent_id,
                     model.deleted == False))  # type: ignore[attr-defined]  # noqa: E712
                 if row.id not in gone}
        taken |= {values[key] for values in changed.values()}
        problems: list[FieldProblem] = []
        for step in plan.steps_of(spec.name, "create"):
            value = step.values.get(key)
            if value not in taken:
                taken.add(value)
            elif spec.duplicate:
                name = self._label(session, spec, step.values)
                problems.append(RowProblem(spec.name, spec.duplicate.format(name=name),
                                           new_index=step.new_index, row_field=key))
            else:  # the same link twice says nothing more: keep one
                plan.steps.remove(step)
        return problems

    @staticmethod
    def _belongs(spec: ChildList, row: Any, parent_id: str) -> bool:
        if spec.parent_field is not None and getattr(row, spec.parent_field) != parent_id:
            return False
        return all(getattr(row, name) == value for name, value in spec.fixed.items())

    def _missing(self, spec: ChildList, record_id: str) -> RowProblem:
        record = self.type_name.replace("_", " ")
        return RowProblem(spec.name, f"A {spec.noun} of this {record} is no longer there "
                          f"(id {record_id}); it may have been moved or removed meanwhile. "
                          "Close and reopen the record, then make the change again.",
                          row_id=record_id)

    def _label(self, session: Session, spec: ChildList, values: Mapping[str, Any]) -> str:
        """What names a row for a person: its title, the name it links to, or its date."""
        value = values.get(spec.label_field)
        if value and spec.label_model is not None:
            linked = session.get(spec.label_model, value)
            return title_of(linked) if linked is not None else ""
        if isinstance(value, date):
            return day_text(value)
        text = str(value or "").strip()
        return text if len(text) <= LABEL_LENGTH else text[:LABEL_LENGTH - 1] + "…"

    def _row_problems(self, session: Session, spec: ChildList, error: ValidationError,
                      values: Mapping[str, Any], *, row: Any = None,
                      record_id: str | None = None,
                      index: int | None = None) -> list[FieldProblem]:
        shown = dict(values) if row is None else \
            {spec.label_field: getattr(row, spec.label_field), **values}
        label = self._label(session, spec, shown)
        noun = spec.noun[0].upper() + spec.noun[1:]
        if index is not None:
            where = f"New {spec.noun} “{label}”" if label else f"New {spec.noun} {index + 1}"
        else:
            where = f"{noun} “{label}”" if label else f"A {spec.noun}"
        return [RowProblem(spec.name, f"{where}: {problem.message}", row_id=record_id,
                           new_index=index, row_field=problem.field)
                for problem in error.problems]

    def _write(self, writer: Writer, plan: Plan) -> T:
        if plan.current is None:
            self.before_save(writer, plan.values, None)
            record = writer.create(self.model, plan.values, record_id=plan.parent_id)
        else:
            record = plan.current
            self.before_save(writer, plan.values, record)
            writer.update(record, {k: v for k, v in plan.values.items()
                                   if v != getattr(record, k)})
        for step in plan.steps:
            service = step.spec.service
            if step.action == "delete":
                writer.delete(step.row)
            elif step.action == "update":
                if step.record_id in plan.revived:
                    writer.restore(step.row)
                service.before_save(writer, step.values, step.row)
                writer.update(step.row, {k: v for k, v in step.values.items()
                                         if v != getattr(step.row, k)})
            else:
                service.before_save(writer, step.values, None)
                writer.create(service.model, step.values, record_id=step.record_id)
        self.after_rows(writer, plan)
        return record
