"""Create, update, delete (a tombstone), restore, get and list for one record type."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import String, func, literal_column, select
from sqlalchemy.orm import defer
from sqlmodel import Session, SQLModel

from partnerdesk.db import records as r
from partnerdesk.db import search_index
from partnerdesk.db import vocabulary as v
from partnerdesk.db.bookkeeping import BOOKKEEPING_JSON
from partnerdesk.db.local import HistoryEntry
from partnerdesk.db.registry import references, type_name
from partnerdesk.errors import DeleteClash, FieldProblem, NotFoundError, ValidationError
from partnerdesk.services import agreement_rules, titles, validation
from partnerdesk.services.edit_clash import changed_since, changes_to_save
from partnerdesk.services.indexing import SEARCHABLE
from partnerdesk.services.progress import Progress
from partnerdesk.services.settings import PHONE_REGION, Settings
from partnerdesk.services.store import (
    Change,
    Store,
    Writer,
    field_values,
    user_fields,
    without_collector,
)
from partnerdesk.services.tags import ensure_tags
from partnerdesk.services.undo import named, noun

T = TypeVar("T", bound=SQLModel)

# Below this many matches, fetching and sorting them all is quick anyway.
PAGE_WALK_MINIMUM = 2000
# Records of a bulk change checked and handed to the writer at a time (`bulk_change`;
# twice as many for a deletion, which checks nothing).
BULK_PART = 1000


class RecordService(Generic[T]):
    """The use cases of one record type; `Desk` holds one per type."""

    def __init__(self, store: Store, model: type[T]) -> None:
        self.store = store
        self.model = model
        self.type_name = type_name(model)

    # -- reading -----------------------------------------------------------------
    def get(self, record_id: str, *, include_deleted: bool = True) -> T:
        with self.store.read() as session:
            row = session.get(self.model, record_id)
        if row is None or (row.deleted and not include_deleted):  # type: ignore[attr-defined]
            raise NotFoundError(f"No {self.type_name.replace('_', ' ')} with id {record_id}.")
        return row

    def _query(self, where: dict[str, Any] | None, text: str | None, deleted: bool,
               walk_in_order: bool = False) -> Any:
        model = self.model
        query = select(model).where(model.deleted == deleted)  # type: ignore[attr-defined]
        for name, value in (where or {}).items():
            column = getattr(model, name)
            if isinstance(value, list | tuple | set):
                query = query.where(column.in_(list(value)))
            else:
                query = query.where(column == value)
        if text and search_index.words(text):
            if model in SEARCHABLE:
                matches = search_index.matching_ids(self.type_name, text, self.store.search_kind)
                # `+id` keeps SQLite off the id index: it walks the sort column's index
                # and stops after one page, instead of fetching and sorting every match.
                ident = literal_column(f"+{model.__tablename__}.id") \
                    if walk_in_order and self.store.search_kind != search_index.POSTGRES \
                    else model.id  # type: ignore[attr-defined]
                query = query.where(ident.in_(matches))
            else:
                title = getattr(model, self.title_field)
                for term in search_index.words(text):
                    query = query.where(title.ilike(f"%{term}%"))
        return query

    @property
    def title_field(self) -> str:
        """The field that names these records, and their default order (`services.titles`)."""
        return titles.title_field(self.type_name)

    def list(self, *, where: dict[str, Any] | None = None, text: str | None = None,
             order_by: str | None = None, descending: bool = False, limit: int | None = None,
             offset: int = 0, deleted: bool = False, bookkeeping: bool = True,
             matches: int | None = None) -> list[T]:
        """Live records (or only deleted ones), filtered and sorted in SQL.

        `bookkeeping=False` leaves out the merge bookkeeping (stamps, version vectors),
        which a list on screen never shows: decoding it is most of the cost of a page.
        Reading those fields of such a row then raises. `matches`: how many records the
        filter matches, when the caller has counted them already (a list on screen has)."""
        walk = limit is not None and bool(text) and self._many_match(text or "", where,
                                                                     matches)
        query = self._query(where, text, deleted, walk_in_order=walk)
        if not bookkeeping:
            query = query.options(*(defer(getattr(self.model, name), raiseload=True)
                                    for name in BOOKKEEPING_JSON))
        column = getattr(self.model, order_by or self.title_field)
        if text and not walk and self.store.search_kind == search_index.POSTGRES:
            # The same order, in a form no index gives: PostgreSQL then sorts the matches
            # instead of walking the sort column's index until a page of them turns up.
            # A filter's matches follow the sort order ("z" finds names that start with
            # Zoë), and it walked 82,000 contacts for a page of "z" (5.6 s).
            column = func.coalesce(column, column)
        ident = self.model.id  # type: ignore[attr-defined]
        # Descending flips the whole order, ties included, so a page counted from the end
        # is exactly the reverse of the same page counted from the start.
        query = query.order_by(column.desc(), ident.desc()) if descending else \
            query.order_by(column, ident)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        with self.store.read() as session:
            return list(session.scalars(query))

    def first_page(self, *, where: dict[str, Any] | None = None, text: str | None = None,
                   order_by: str | None = None, descending: bool = False, limit: int,
                   bookkeeping: bool = True) -> tuple[int, list[T]]:
        """How many live records the filter matches, and the first `limit` of them in
        order: what a list shows after a key press in its filter box (`count` and `list`).

        A filter sorted by the records' title is one statement: the matches are read
        from the search index once, with their titles (the index keeps each record's
        title as typed, `services.indexing`), then counted and sorted there, and only the
        page's records are read. Counting them and sorting them by the column, or walking
        the column's index, read the index twice and looked up every match's row: on
        PostgreSQL 4 round trips and up to 60 ms for "z"; on SQLite a third longer for
        "m" (a quarter of 100,000 contacts) and twice as long for "ma"."""
        if self._sorts_in_index(where, text, order_by):
            return self._first_page_in_index(text or "", descending, limit, bookkeeping)
        count = self.count(where=where, text=text)
        if not count:
            return 0, []
        return count, self.list(where=where, text=text, order_by=order_by,
                                descending=descending, limit=limit, bookkeeping=bookkeeping,
                                matches=count if text else None)

    def _sorts_in_index(self, where: dict[str, Any] | None, text: str | None,
                        order_by: str | None) -> bool:
        """Is this a filter whose order the search index's titles give?"""
        if where or not text or not search_index.words(text) or \
                self.model not in SEARCHABLE or self.model is r.ReferralPathway:
            return False
        field = self.title_field
        if (order_by or field) != field:
            return False
        # The index holds `str(value)` of the title, "" for none: the same order only for
        # a text column that is never empty of a value (NULL sorts last, "" first).
        column = self.model.__table__.c.get(field)  # type: ignore[attr-defined]
        return column is not None and not column.nullable and \
            isinstance(getattr(column.type, "impl", column.type), String)

    def _first_page_in_index(self, text: str, descending: bool, limit: int,
                             bookkeeping: bool) -> tuple[int, list[T]]:
        page = search_index.title_page(self.type_name, text, limit, descending,
                                       self.store.search_kind)
        model = self.model
        ident = model.id  # type: ignore[attr-defined]
        column = getattr(model, self.title_field)
        query = select(model, page.c.total).select_from(page).outerjoin(
            model, (ident == page.c.record_id)
            & (model.deleted == False))  # type: ignore[attr-defined]  # noqa: E712
        if not bookkeeping:
            query = query.options(*(defer(getattr(model, name), raiseload=True)
                                    for name in BOOKKEEPING_JSON))
        query = query.order_by(column.desc(), ident.desc()) if descending else \
            query.order_by(column, ident)
        with self.store.read() as session:
            found = session.execute(query).all()
        total = int(found[0][1]) if found else 0
        return total, [row for row, _total in found if row is not None]

    def _many_match(self, text: str, where: dict[str, Any] | None,
                    counted: int | None = None) -> bool:
        """Does the filter match so many rows (a twentieth or more) that walking the
        sort order finds a page sooner than fetching and sorting every match?"""
        if where or self.model not in SEARCHABLE or not search_index.words(text):
            return False
        enough = max(self._about_how_many() // 20, PAGE_WALK_MINIMUM)
        if counted is not None:
            return counted >= enough
        matches = search_index.matching_ids(self.type_name, text, self.store.search_kind)
        with self.store.read() as session:
            found = session.scalar(select(func.count()).select_from(
                matches.limit(enough).subquery()))
        return int(found or 0) >= enough

    def _about_how_many(self) -> int:
        """How many records of this type there are, near enough to choose a query plan:
        on PostgreSQL its own estimate (counting 100,000 rows took longer than the page
        this is asked for; a list asks at every page of a filter)."""
        if self.store.search_kind == search_index.POSTGRES:
            from sqlalchemy import text

            table = self.model.__tablename__  # type: ignore[attr-defined]
            with self.store.read() as session:
                estimate = session.scalar(text(
                    "SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)"),
                    {"name": table})
                if estimate is not None and estimate < 0:
                    # Never analysed yet (a database just moved in, before autovacuum
                    # has been by): the planner's guess from the table's size, where
                    # counting read 100,000 rows twice at every page of a filter.
                    plan = session.scalar(text(
                        f'EXPLAIN (FORMAT JSON) SELECT 1 FROM "{table}"'))
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    estimate = plan[0]["Plan"]["Plan Rows"]
            if estimate is not None and estimate >= 0:
                return int(estimate)
        return self.count()

    def ids(self, *, where: dict[str, Any] | None = None, text: str | None = None) -> list[str]:
        """The ids of every live record the filter matches (a list's Ctrl+A), read
        without loading the records."""
        query = self._query(where, text, False).with_only_columns(
            self.model.id)  # type: ignore[attr-defined]
        with self.store.read() as session:
            return [str(record_id) for record_id in session.scalars(query)]

    def lookup(self, ids: set[str], field: str) -> dict[str, Any]:
        """id -> one field's value, for the given ids (a list showing names it links to)."""
        ids = {record_id for record_id in ids if record_id}
        if not ids:
            return {}
        model = self.model
        with self.store.read() as session:
            return dict(session.execute(select(  # type: ignore[call-overload]
                model.id, getattr(model, field)).where(  # type: ignore[attr-defined]
                model.id.in_(sorted(ids)))).all())  # type: ignore[attr-defined]

    def count(self, *, where: dict[str, Any] | None = None, text: str | None = None,
              deleted: bool = False) -> int:
        if text and not where and not deleted and self.model in SEARCHABLE \
                and search_index.words(text):
            # The index holds live records only: counting there skips a lookup per match.
            matches = search_index.matching_ids(self.type_name, text, self.store.search_kind)
            with self.store.read() as session:
                return int(session.scalar(select(func.count()).select_from(
                    matches.subquery())) or 0)
        if not where and not (text and search_index.words(text)):
            # Every row, less the deleted ones (a partial index): no scan of the table.
            model = self.model
            with self.store.read() as session:
                gone = int(session.scalar(select(func.count()).select_from(model).where(
                    model.deleted == True)) or 0)  # type: ignore[attr-defined]  # noqa: E712
                if deleted:
                    return gone
                return int(session.scalar(select(func.count()).select_from(model)) or 0) - gone
        query = self._query(where, text, deleted).with_only_columns(func.count())
        with self.store.read() as session:
            return int(session.scalar(query) or 0)

    # -- validating ----------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        return {name: self.model.model_fields[name].get_default(call_default_factory=True)
                for name in user_fields(self.model)}

    def _context(self, known_ids: Collection[str] = (),
                 session: Session | None = None) -> validation.Context:
        """`session`: the save's own (a save asks inside its transaction, rather than
        opening a connection for each question: on an office database each costs
        several round trips to the server)."""
        known = frozenset(known_ids)

        def exists(model: type[SQLModel], record_id: str) -> bool:
            if record_id in known:  # made in the same save, not yet written
                return True
            if session is not None:
                return session.get(model, record_id) is not None
            with self.store.read() as reading:
                return reading.get(model, record_id) is not None
        return validation.Context(region_of=lambda: Settings(self.store).get(
            PHONE_REGION, session=session), exists=exists)

    def check(self, values: dict[str, Any]) -> list[FieldProblem]:
        """Problems with a whole record's values (for enabling Save); nothing is written."""
        full = {**self.defaults(), **values}
        return validation.clean(self.model, full, self._context())

    def checker(self) -> Callable[[dict[str, Any]], list[FieldProblem]]:
        """`check` for many records in a row (a file's rows): one context, and each linked
        record looked up once (a lookup per row made 20,000 rows take minutes)."""
        context = self._context()
        looked_up: dict[tuple[type[SQLModel], str], bool] = {}
        one_by_one = context.exists

        def exists(model: type[SQLModel], record_id: str) -> bool:
            key = (model, record_id)
            if key not in looked_up:
                looked_up[key] = one_by_one(model, record_id)
            return looked_up[key]

        context.exists = exists
        defaults = self.defaults()
        return lambda values: validation.clean(self.model, {**defaults, **values}, context)

    def _cleaned(self, values: dict[str, Any], current: T | None,
                 session: Session | None = None) -> dict[str, Any]:
        return self.validated(values, current, session=session)

    def validated(self, values: dict[str, Any], current: T | None, *,
                  known_ids: Collection[str] = (),
                  session: Session | None = None) -> dict[str, Any]:
        """The record's full values after `values` are applied to `current` (None: a new
        record), cleaned; raises ValidationError. `known_ids`: records a whole save makes
        in the same transaction, which links may point at before they are written;
        `session`: that save's, for the questions the rules ask the database."""
        base = field_values(current) if current is not None else self.defaults()
        unknown = [name for name in values if name not in base]
        if unknown:
            raise ValidationError([FieldProblem(n, f"“{n}” is not a field of this record.")
                                   for n in unknown])
        full = {**base, **values}
        if current is not None:
            # A link the save leaves as it was points at a row that is there: the
            # database's foreign keys keep it so (one question fewer for each save).
            known_ids = {*known_ids, *(full[link.column] for link in references(self.model)
                                       if full.get(link.column)
                                       and full[link.column] == base.get(link.column))}
        return self._checked(full, self._context(known_ids, session))

    def _checked(self, full: dict[str, Any], context: validation.Context,
                 fields: Collection[str] | None = None) -> dict[str, Any]:
        """`full` (a whole record's values) cleaned by the type's rules; errors refuse it.
        `fields`: those a change to a stored record sets (`validation.clean`)."""
        problems = validation.clean(self.model, full, context, fields)
        errors = [p for p in problems if not p.warning]
        if errors:
            raise ValidationError(errors)
        return full

    # -- writing -------------------------------------------------------------------
    def before_save(self, writer: Writer, values: dict[str, Any], current: T | None) -> None:
        """A type's own rules that need the database; raise ValidationError to refuse."""
        tags = values.get("tags")
        if tags:
            ensure_tags(writer, tags)

    def named(self, values: dict[str, Any] | Any) -> str:
        """A record of this type as Undo names it ("Marcus Lee", or "a contact")."""
        if not isinstance(values, dict):
            values = field_values(values)
        return named(self.type_name, values)

    def create(self, **values: Any) -> T:
        full = self._cleaned(values, None)
        with self.store.write() as writer:
            writer.undo_as(f"adding {self.named(full)}")
            self.before_save(writer, full, None)
            row = writer.create(self.model, full)
        return row

    def update(self, record_id: str, *, rev: str | None = None, **changes: Any) -> T:
        """Save changed fields. `rev`: the revision the person's editor opened; if someone
        else saved the record since, the field-level rule of `services.edit_clash` decides
        (fields only this person changed go through; a field both changed raises
        `EditClash` with both values, and nothing is written)."""
        with self.store.write() as writer:
            # FOR UPDATE: a second person saving the same record waits for this save (on
            # an office database always: a save read from a stale row would put back the
            # other person's stamps; a file lets one writer in at a time anyway).
            row = writer.locked(self.model, record_id)
            if row is None:
                raise NotFoundError(f"No {self.type_name.replace('_', ' ')} with id {record_id}.")
            if rev is not None:
                changes = changes_to_save(writer.session, row, changes, rev)
            full = self._cleaned(changes, row, writer.session)
            self.before_save(writer, full, row)
            changed = {k: full[k] for k in full if full[k] != getattr(row, k)}
            writer.undo_as(f"edit of {self.named(full)}")
            writer.update(row, changed)
        return row

    def update_many(self, record_ids: list[str], *, progress: Progress | None = None,
                    **changes: Any) -> list[Change]:
        """The same change to several records, as one step (one transaction, one Undo)."""
        return self.update_each({record_id: changes for record_id in record_ids},
                                progress=progress)

    def update_each(self, changes_by_id: dict[str, dict[str, Any]], *,
                    progress: Progress | None = None) -> list[Change]:
        """Different changes to several records, as one step (one transaction, one Undo):
        a change made to rows selected in a list. Each record is checked by the rules
        `update` applies (a refused one refuses the whole step, naming it, and nothing is
        written), and written in bulk (`Writer.put_local`) with history, stamps and search
        index as for single saves, a part at a time while the next is checked
        (`bulk_change`; `bench_bulk` measures 10,000 contacts). Records no longer there are
        left out."""
        return self.bulk_change(list(changes_by_id), lambda row: changes_by_id[row["id"]],
                                progress=progress)

    @without_collector
    def bulk_change(self, record_ids: list[str],
                    change: Callable[[dict[str, Any]], dict[str, Any]], *,
                    progress: Progress | None = None, name: str | None = None,
                    ) -> list[Change]:
        """`change(row)` -> the fields to change on that record (`row`: its values as
        they are now), for many records at once; see `update_each`. `name`: what Undo
        calls the step (else "change to 12 contacts")."""
        with self.store.write() as writer:
            rows = writer.current_rows(self.model, record_ids)
            # each row decoded in its part (`current_rows`)
            live = [key for key in record_ids if key in rows and not rows.is_deleted(key)]
            if len(live) == 1 and name is None:
                name = f"edit of {self.named({**rows[live[0]], **change(rows[live[0]])})}"
            writer.undo_as(name or f"change to {noun(self.type_name, len(live))}")
            context = self._context()
            names = user_fields(self.model)
            listed = writer.listed(self.type_name, live)
            # the record as it is, for a type's own rules (the common ones need only the
            # values: no object made per record for them)
            own_rules = type(self).before_save is not RecordService.before_save
            total = len(live)
            # In parts: the writer writes one part (in its lane) while the next is checked.
            for first in range(0, total, BULK_PART):
                edits = []
                for number, row in enumerate(map(rows.__getitem__,
                                                 live[first:first + BULK_PART]), first):
                    if progress is not None and number % 500 == 0:
                        progress.report(number, total, "")
                    current = {n: row[n] for n in names}
                    wanted = change(row)
                    full = self._named_check({**current, **wanted}, context, wanted)
                    self.before_save(writer, full, cast(T, SimpleNamespace(**row)
                                                        if own_rules else None))
                    edits.append((row, {k: v for k, v in full.items() if v != current[k]},
                                  None))
                writer.put_local(self.model, edits, listed=listed)
            if progress is not None:
                progress.report(total, total, "")
            return list(writer.changes)

    def save_many(self, writer: Writer, new: list[dict[str, Any]],
                  changes: dict[str, dict[str, Any]] | None = None) -> list[str]:
        """Many records in the caller's transaction (imports): each checked and saved by
        the rules `create` and `update` apply, all written in bulk. `new` values may carry
        an `id`; `changes` maps ids of records here to changed values. Returns the new
        ids. A record the rules refuse raises ValidationError: the caller's transaction
        then writes nothing."""
        context = self._context()
        seen: set[tuple[type[SQLModel], str]] = set()

        def exists(model: type[SQLModel], record_id: str) -> bool:
            # In this transaction: records made earlier in the same import count.
            if (model, record_id) not in seen:
                if writer.session.get(model, record_id) is None:
                    return False
                seen.add((model, record_id))
            return True

        context.exists = exists
        defaults = self.defaults()
        ready = []
        for values in new:
            full = self._named_check({**defaults, **{k: v for k, v in values.items()
                                                    if k != "id"}}, context)
            self.before_save(writer, full, None)
            ready.append({**full, "id": values["id"]} if values.get("id") else full)
        ids = writer.bulk_create(self.model, ready)
        edits = []
        rows = self._rows(writer, [key for key, value in (changes or {}).items() if value])
        for row in rows:
            full = self._named_check({**field_values(row), **changes[row.id]},  # type: ignore[index, attr-defined]
                                     context)
            self.before_save(writer, full, row)
            edits.append((row, {k: full[k] for k in full if full[k] != getattr(row, k)}))
        writer.bulk_update(edits)
        return ids

    def _named_check(self, full: dict[str, Any], context: validation.Context,
                     fields: Collection[str] | None = None) -> dict[str, Any]:
        """`_checked`, with the record's title in the message: one of many is refused."""
        try:
            return self._checked(full, context, fields)
        except ValidationError as error:
            title = str(full.get(self.title_field) or "")[:80]
            if not title:
                raise
            raise ValidationError([FieldProblem(p.field, f"“{title}”: {p.message}")
                                   for p in error.problems]) from error

    def _rows(self, writer: Writer, record_ids: list[str]) -> list[T]:
        """The records, as objects of the writer's session (in the order asked)."""
        model = self.model
        found: dict[str, T] = {}
        for start in range(0, len(record_ids), 500):
            found.update((row.id, row) for row in writer.session.scalars(  # type: ignore[attr-defined]
                select(model).where(model.id.in_(record_ids[start:start + 500]))))  # type: ignore[attr-defined]
        return [found[key] for key in record_ids if key in found]

    def delete(self, *record_ids: str, progress: Progress | None = None,
               revs: Mapping[str, str] | None = None) -> list[Change]:
        """Hide the records (a tombstone that travels to other laptops); restorable.
        One step for Undo, however many; written in bulk (`Writer.put_local`).

        `revs`: record id -> the revision the person saw it at. If someone else changed
        such a record since (another person on an office database, another window),
        nothing is deleted and `DeleteClash` says what they changed, with the revisions
        to delete against once the person has seen it."""
        return self._set_deleted(record_ids, True, progress, revs)

    def restore(self, *record_ids: str, progress: Progress | None = None) -> list[Change]:
        """Bring records back from the Trash, as one step for Undo."""
        return self._set_deleted(record_ids, False, progress)

    @without_collector
    def _set_deleted(self, record_ids: tuple[str, ...], deleted: bool,
                     progress: Progress | None,
                     revs: Mapping[str, str] | None = None) -> list[Change]:
        with self.store.write() as writer:
            rows = writer.current_rows(self.model, record_ids)  # locked on a server
            self._refuse_unseen(writer.session, rows, revs or {})
            # each row decoded in its part (`current_rows`)
            keys = [key for key in dict.fromkeys(record_ids)
                    if key in rows and rows.is_deleted(key) != deleted]
            verb = "deletion" if deleted else "restore"
            what = self.named(rows[keys[0]]) if len(keys) == 1 else \
                noun(self.type_name, len(keys))
            writer.undo_as(f"{verb} of {what}")
            listed = writer.listed(self.type_name, keys)
            for start in range(0, len(keys), 2 * BULK_PART):
                if progress is not None:
                    progress.report(start, len(keys), "")
                writer.put_local(self.model, [(rows[key], {}, deleted) for key
                                              in keys[start:start + 2 * BULK_PART]],
                                 listed=listed)
            return list(writer.changes)

    def _refuse_unseen(self, session: Session, rows: Mapping[str, dict[str, Any]],
                       revs: Mapping[str, str]) -> None:
        """DeleteClash when a record to delete changed since its person saw it at `revs`."""
        moved = [key for key, rev in revs.items()
                 if key in rows and not rows[key]["deleted"] and rows[key]["rev"] != rev]
        if not moved:
            return
        changed: dict[str, tuple[str, ...]] = {}
        for key in moved:
            row = session.get(self.model, key)
            changed[key] = tuple(changed_since(session, row, revs[key])) if row else ()
        raise DeleteClash({key: self.named(rows[key]) for key in moved}, changed,
                          {key: str(rows[key]["rev"]) for key in moved})

    # -- history -------------------------------------------------------------------
    def history(self, record_id: str) -> list[HistoryEntry]:
        """Earlier versions, newest first: what the record was before each change."""
        with self.store.read() as session:
            query = (select(HistoryEntry).where(HistoryEntry.record_id == record_id)
                     .order_by(HistoryEntry.id.desc()))  # type: ignore[union-attr]
            return list(session.scalars(query))

    def restore_version(self, history_id: int) -> T:
        """Make the record look as it did in that version again (itself a new change)."""
        with self.store.read() as session:
            entry = session.get(HistoryEntry, history_id)
        if entry is None or entry.record_type != self.type_name:
            raise NotFoundError("That earlier version is no longer in the history.")
        probe = self.model.model_validate(
            {k: entry.state[k] for k in user_fields(self.model) if k in entry.state})
        values = field_values(probe)
        with self.store.write() as writer:  # one step: the values, and back from the Trash
            row = writer.session.get(self.model, entry.record_id)
            if row is None:
                raise NotFoundError("That record is no longer here.")
            full = self._cleaned(values, row, writer.session)
            self.before_save(writer, full, row)
            writer.undo_as(f"restore of an earlier version of {self.named(full)}")
            writer.restore(row)  # nothing when it is not in the Trash
            writer.update(row, {k: full[k] for k in full if full[k] != getattr(row, k)})
        return self.get(entry.record_id)


class OrganizationService(RecordService[r.Organization]):
    def before_save(self, writer: Writer, values: dict[str, Any],
                    current: r.Organization | None) -> None:
        super().before_save(writer, values, current)
        if values.get("is_us") and not (current and current.is_us):
            # Only one organization is "us": the one on our letterhead.
            others = writer.session.scalars(select(r.Organization).where(
                r.Organization.is_us == True, r.Organization.deleted == False))  # noqa: E712
            for other in others:
                if current is None or other.id != current.id:
                    writer.update(other, {"is_us": False})

    def ours(self) -> r.Organization | None:
        rows = self.list(where={"is_us": True}, limit=1)
        return rows[0] if rows else None


class AgreementService(RecordService[r.Agreement]):
    def before_save(self, writer: Writer, values: dict[str, Any],
                    current: r.Agreement | None) -> None:
        super().before_save(writer, values, current)
        if current is None or values["status"] == current.status:
            return
        allowed = agreement_rules.next_statuses(current.status)
        if values["status"] not in allowed:
            old = v.label(v.AGREEMENT_STATUSES, current.status)
            new = v.label(v.AGREEMENT_STATUSES, values["status"])
            steps = ", ".join(v.label(v.AGREEMENT_STATUSES, s) for s in allowed) or "none"
            raise ValidationError([FieldProblem(
                "status", f"An agreement cannot go from {old} to {new}. "
                          f"From {old} it can go to: {steps}.")])

    @staticmethod
    def next_statuses(status: str) -> tuple[str, ...]:
        return agreement_rules.next_statuses(status)


class DoneDateService(RecordService[T]):
    """Milestones and action items: ticking 'done' records the day it was done."""

    def before_save(self, writer: Writer, values: dict[str, Any], current: T | None) -> None:
        super().before_save(writer, values, current)
        if values.get("done") and not values.get("done_date"):
            values["done_date"] = date.today()
        if not values.get("done"):
            values["done_date"] = None
