"""Errors written for a person: each says what happened and what to do next."""

from dataclasses import dataclass


class PartnerDeskError(Exception):
    """Base of every error a person may see; `str(error)` is the sentence to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldProblem:
    """A message about one field; a warning is shown but does not stop a save."""

    field: str
    message: str
    warning: bool = False


@dataclass(frozen=True)
class RowProblem(FieldProblem):
    """A problem with one child row of a whole save (a milestone of a partnership, an
    attendee of a meeting). `field` is the list ("milestones") and `message` names the
    row in words; `row_id` is the row's id (a new row's only if the caller gave one),
    `new_index` its place among the list's new rows, `row_field` the field at fault."""

    row_id: str | None = None
    new_index: int | None = None
    row_field: str = ""


class ValidationError(PartnerDeskError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = [p for p in problems if not p.warning]
        text = "; ".join(p.message for p in self.problems) or "The record is not valid."
        super().__init__(text)

    def for_field(self, name: str) -> str | None:
        return next((p.message for p in self.problems if p.field == name), None)


class NotFoundError(PartnerDeskError):
    pass


class DatabaseProblem(PartnerDeskError):
    """The database file cannot be used as it is (newer, damaged, locked, not ours)."""


class NewerDatabaseError(DatabaseProblem):
    pass


class NotADatabaseError(DatabaseProblem):
    pass


class DatabaseLockedError(DatabaseProblem):
    pass


class EditClash(PartnerDeskError):
    """Someone else saved the record after this person opened it, and changed a field this
    person changed too (to another value), or removed the record. Nothing was saved.

    `fields`: each field both changed -> (the value this person typed, the value saved by
    the other person), for the editor to show both and ask which to keep. `deleted`: the
    record was removed meanwhile. `rev`: the record's revision now, to save against once
    the person has chosen. `rows`: a whole save's child rows that clashed the same way
    ((list name, row id) -> that row's own clash, whose `rev` the row saves against next).
    `removed_here`: a child row this person removed that someone else changed meanwhile
    (it was not removed; `fields` holds each field they changed -> (its value as this
    person read it, theirs)); saving again against `rev` removes it."""

    def __init__(self, fields: dict[str, tuple[object, object]], rev: str, *,
                 deleted: bool = False, removed_here: bool = False,
                 rows: "dict[tuple[str, str], EditClash] | None" = None) -> None:
        self.fields = fields
        self.rev = rev
        self.deleted = deleted
        self.removed_here = removed_here
        self.rows = dict(rows or {})
        if deleted:
            message = ("Someone else removed this record while you were editing it, so your "
                       "changes were not saved. Restore it from Deleted records to keep them.")
        else:
            names = ", ".join(dict.fromkeys(
                [*fields, *(name for clash in self.rows.values() for name in clash.fields)]))
            names = names.replace("_", " ") or "a row"
            message = (f"Someone else changed {names} while you were editing this record. "
                       "Nothing was saved yet: choose which value to keep for each, then "
                       "save again.")
            if any(clash.removed_here for clash in self.rows.values()):
                message += (" A row you removed was changed by them meanwhile: saving "
                            "again removes it anyway.")
        super().__init__(message)


class DeleteClash(PartnerDeskError):
    """Someone else changed records after this person looked at them, before this
    person's deletion of them reached the database: nothing was deleted, so their change
    is not thrown away unseen. `changed`: record id -> the names of the fields they
    changed (empty when the change is too old to tell); `revs`: record id -> its revision
    now, to delete against once the person has seen it and still wants it gone."""

    def __init__(self, titles: dict[str, str], changed: dict[str, tuple[str, ...]],
                 revs: dict[str, str]) -> None:
        self.titles = titles
        self.changed = changed
        self.revs = revs
        if len(changed) == 1:
            [(record_id, fields)] = changed.items()
            what = f" ({', '.join(fields).replace('_', ' ')})" if fields else ""
            message = (f"Someone else changed “{titles.get(record_id, '')}”{what} after you "
                       "opened it, so it was not deleted. Look at their change, then delete "
                       "it again if it should still go.")
        else:
            message = (f"Someone else changed {len(changed)} of these records after you "
                       "opened them, so nothing was deleted. Look at their changes, then "
                       "delete again if they should still go.")
        super().__init__(message)
