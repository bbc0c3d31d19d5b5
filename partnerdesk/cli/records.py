"""Sub-commands that set up a database and change records from scripts: init, add, set,
delete, merge.

They go through the services like the app's forms (the same checks, stamps and
history), so a script's change travels in bundles and can be undone like any other.
"""

import argparse
import os
from pathlib import Path
from typing import Any

from partnerdesk.cli.common import Commands, db_path, open_desk
from partnerdesk.cli.output import print_json
from partnerdesk.errors import PartnerDeskError


def register(commands: Commands) -> None:
    init = commands.add_parser(
        "init", help="start a new database, or join a colleague's with their bundle",
        description="Start an empty PartnerDesk for our organization (--our-name), or "
                    "join a colleague: take the records of the bundle they sent, and their "
                    "organization as ours (--from).")
    how = init.add_mutually_exclusive_group(required=True)
    how.add_argument("--our-name", metavar="NAME", help="our organization's name")
    how.add_argument("--from", dest="from_file", metavar="FILE",
                     help="a colleague's bundle (sealed ones take $PARTNERDESK_PASSPHRASE)")
    init.add_argument("--your-name", metavar="NAME", default="",
                      help="your own name, shown to colleagues beside what you type")
    init.add_argument("--json", action="store_true", help="print JSON")
    init.set_defaults(run=run_init)

    add = commands.add_parser("add", help="make a record: partnerdesk add TYPE FIELD=VALUE...")
    add.add_argument("type", metavar="TYPE", help="organization, contact, partnership...")
    add.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(run=run_add)

    change = commands.add_parser(
        "set", help="change a record: partnerdesk set TYPE ID_OR_NAME FIELD=VALUE...",
        description="Change fields of one record, found by its id or its exact name. "
                    "Dates are written 2026-03-01, yes/no fields yes or no, lists as JSON; "
                    "an empty value clears a field that may be empty.")
    change.add_argument("type", metavar="TYPE", help="organization, contact, partnership...")
    change.add_argument("record", metavar="ID_OR_NAME")
    change.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    change.add_argument("--json", action="store_true", help="print JSON")
    change.set_defaults(run=run_set)

    delete = commands.add_parser("delete", help="move a record to the Trash")
    delete.add_argument("type", metavar="TYPE")
    delete.add_argument("record", metavar="ID_OR_NAME")
    delete.add_argument("--json", action="store_true", help="print JSON")
    delete.set_defaults(run=run_delete)

    merge = commands.add_parser(
        "merge", help="make two duplicates one: partnerdesk merge TYPE KEEP OTHER",
        description="Make two duplicate contacts or organizations one record: KEEP stays "
                    "with its values, every link to OTHER moves to it, and OTHER goes to "
                    "the Trash (restorable). Each is found by its id or its exact name.")
    merge.add_argument("type", metavar="TYPE", help="contact or organization")
    merge.add_argument("keep", metavar="KEEP", help="the record that stays (id or name)")
    merge.add_argument("other", metavar="OTHER", help="the duplicate merged into it")
    merge.add_argument("--json", action="store_true", help="print JSON")
    merge.set_defaults(run=run_merge)


def run_init(args: argparse.Namespace) -> int:
    from partnerdesk.services.first_run import refuse_unless_first_run, start_new

    path = db_path(args)
    with open_desk(args, create=True) as desk:
        refuse_unless_first_run(desk)
        if args.from_file:
            from partnerdesk.cli.sharing import PASSPHRASE_VARIABLE, passphrase
            from partnerdesk.sharing import limits
            from partnerdesk.sharing.join import join_file

            source = Path(args.from_file).expanduser()
            try:
                joined = join_file(desk, source, args.your_name,
                                   passphrase=os.environ.get(PASSPHRASE_VARIABLE) or None)
            except limits.PassphraseNeeded:  # asked before anything was changed
                joined = join_file(desk, source, args.your_name,
                                   passphrase=passphrase(confirm=False))
            counts = joined.imported.preview.counts()
            summary: dict[str, Any] = {"database": str(path), "joined": True,
                                       "organization": joined.organization_name,
                                       "organization_id": joined.organization_id,
                                       "records": counts["new"],
                                       "batch": joined.imported.batch_id}
            text = (f"Joined {joined.organization_name} in {path}: {counts['new']:,} records "
                    f"from {source.name}.")
        else:
            ours = start_new(desk, args.our_name, args.your_name)
            summary = {"database": str(path), "joined": False, "organization": ours.name,
                       "organization_id": ours.id, "records": 1, "batch": None}
            text = f"Started PartnerDesk for {ours.name} in {path}."
    if args.json:
        print_json(summary)
    else:
        print(text)
    return 0


def _described(desk: Any, record_type: str, row: Any, action: str,
               fields: list[str]) -> dict[str, Any]:
    from partnerdesk.services.store import field_values

    return {"action": action, "type": record_type, "id": row.id,
            "title": str(getattr(row, desk.service(record_type).title_field) or row.id),
            "changed": fields, "deleted": bool(row.deleted),
            "values": field_values(row)}


def _named(error: Any) -> PartnerDeskError:
    """A refused record's problems, each after the field it is about, as typed in
    FIELD=VALUE ("received_on: Enter a date."): a script sees which value to give."""
    return PartnerDeskError("; ".join(f"{p.field}: {p.message}" if p.field else p.message
                                      for p in error.problems) or str(error))


def run_add(args: argparse.Namespace) -> int:
    from partnerdesk.errors import ValidationError
    from partnerdesk.services.field_text import record_type_named, values_from_assignments

    record_type = record_type_named(args.type)
    with open_desk(args) as desk:
        service = desk.service(record_type)
        values = values_from_assignments(service.model, args.assignments)
        try:
            row = service.create(**values)
        except ValidationError as error:
            raise _named(error) from None
        shown = _described(desk, record_type, row, "created", sorted(values))
    _report(args, shown, f"Added {record_type.replace('_', ' ')} “{shown['title']}” "
                         f"({row.id}).")
    return 0


def run_set(args: argparse.Namespace) -> int:
    from partnerdesk.errors import ValidationError
    from partnerdesk.services.field_text import (
        find_record_id,
        record_type_named,
        values_from_assignments,
    )
    from partnerdesk.services.store import field_values

    record_type = record_type_named(args.type)
    with open_desk(args) as desk:
        service = desk.service(record_type)
        values = values_from_assignments(service.model, args.assignments)
        record_id = find_record_id(desk, record_type, args.record)
        before = field_values(service.get(record_id))
        try:
            row = service.update(record_id, **values)
        except ValidationError as error:
            raise _named(error) from None
        after = field_values(row)
        changed = sorted(name for name in after if after[name] != before.get(name))
        shown = _described(desk, record_type, row, "updated" if changed else "unchanged",
                           changed)
    label = record_type.replace("_", " ")
    _report(args, shown, f"Changed {', '.join(changed)} of {label} “{shown['title']}”."
            if changed else f"Nothing to change: {label} “{shown['title']}” already holds "
                            "those values.")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from partnerdesk.services.field_text import find_record_id, record_type_named

    record_type = record_type_named(args.type)
    with open_desk(args) as desk:
        service = desk.service(record_type)
        record_id = find_record_id(desk, record_type, args.record)
        if service.get(record_id).deleted:
            raise PartnerDeskError(f"That {record_type.replace('_', ' ')} is in the Trash "
                                   "already.")
        service.delete(record_id)
        shown = _described(desk, record_type, service.get(record_id), "deleted", [])
    _report(args, shown, f"Moved {record_type.replace('_', ' ')} “{shown['title']}” to the "
                         "Trash.")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from partnerdesk.services.field_text import find_record_id, record_type_named

    record_type = record_type_named(args.type)
    with open_desk(args) as desk:
        keep_id = find_record_id(desk, record_type, args.keep)
        other_id = find_record_id(desk, record_type, args.other)
        moved = desk.duplicates.merge(record_type, keep_id, other_id)
        service = desk.service(record_type)
        kept, other = service.get(keep_id), service.get(other_id)
        shown = {"action": "merged", "type": record_type,
                 "kept": _described(desk, record_type, kept, "kept", []),
                 "merged": _described(desk, record_type, other, "deleted", []),
                 "moved": moved}
    label = record_type.replace("_", " ")
    links = sum(moved.values())
    _report(args, shown, f"Merged {label} “{shown['merged']['title']}” into "
                         f"“{shown['kept']['title']}” (links moved: {links}); it is in the "
                         "Trash.")
    return 0


def _report(args: argparse.Namespace, shown: dict[str, Any], text: str) -> None:
    if args.json:
        print_json(shown)
    else:
        print(text)
