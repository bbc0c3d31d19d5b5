"""Sub-commands for the database itself: demo, stats, search, reminders, check, backup."""

import argparse
from pathlib import Path

from partnerdesk.cli.common import Commands, db_label, file_only, open_desk, open_reader, server_url
from partnerdesk.cli.output import print_json, print_table
from partnerdesk.db import backup as backups
from partnerdesk.errors import PartnerDeskError


def register(commands: Commands) -> None:
    demo = commands.add_parser("demo", help="fill an empty database with sample data")
    demo.add_argument("--scale", type=int, default=1, metavar="N",
                      help="multiply the volume (100 gives about 100,000 contacts)")
    demo.set_defaults(run=run_demo)

    stats = commands.add_parser("stats", help="count the records")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(run=run_stats)

    search = commands.add_parser("search", help="search every kind of record")
    search.add_argument("text")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--limit", type=int, default=50)
    search.set_defaults(run=run_search)

    reminders = commands.add_parser("reminders", help="what needs attention")
    reminders.add_argument("--json", action="store_true", help="print JSON")
    reminders.add_argument("--days", metavar="N",
                           help="look this many days ahead for everything due: action items, "
                                "milestones, reviews and agreements expiring (default: the "
                                "due_days setting, 14, and expiring_days, 60, unless changed)")
    reminders.set_defaults(run=run_reminders)

    check = commands.add_parser("check", help="check the database's health and version")
    check.set_defaults(run=run_check)

    backup = commands.add_parser("backup", help="make a safe copy of the database")
    backup.add_argument("-o", "--output", metavar="FILE",
                        help="where to write it (default: the backups folder)")
    backup.set_defaults(run=run_backup)

    restore = commands.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(run=run_restore)


def run_demo(args: argparse.Namespace) -> int:
    from partnerdesk.services.demo import load_demo

    if args.scale < 1 or args.scale > 1000:
        raise PartnerDeskError("--scale takes a whole number from 1 to 1000.")
    path = db_label(args)
    desk = open_desk(args, create=True)
    with desk:
        if desk.organizations.count() or desk.organizations.count(deleted=True):
            raise PartnerDeskError(
                f"{path} already holds records, so no sample data was added. "
                "Use --db with a new file name (or an empty database) to try the sample data.")
        load_demo(desk, scale=args.scale)
        counts = desk.stats()
    print(f"Sample data loaded into {path}: {counts['organizations']:,} organizations, "
          f"{counts['contacts']:,} contacts, {counts['meetings']:,} meetings, "
          f"{counts['events']:,} events, {counts['feedback']:,} feedback records and "
          f"{counts['funding']:,} funding records.")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    with open_reader(args) as reader:
        counts = reader.stats()
    if args.json:
        print_json(counts)
    else:
        print_table([(key.replace("_", " ").capitalize(), f"{n:,}") for key, n in counts.items()])
    return 0


def run_search(args: argparse.Namespace) -> int:
    with open_reader(args) as reader:
        results = reader.search(args.text, limit=args.limit)
    if args.json:
        print_json([{"type": hit.record_type, "id": hit.record_id, "title": hit.title}
                    for hit in results])
    elif not results:
        print(f"Nothing matches “{args.text}”.")
    else:
        print_table([(hit.record_type.replace("_", " "), hit.title, hit.record_id)
                     for hit in results])
    return 0


def run_reminders(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from partnerdesk.services.settings import EXPIRING_DAYS

    with open_desk(args) as desk:
        windows = desk.settings.reminder_windows
        if args.days is not None:
            days = EXPIRING_DAYS.check(args.days)
            windows = replace(windows, expiring_days=days, due_days=days)
        found = desk.reminders(windows=windows)
    if args.json:
        print_json([{"kind": x.kind, "type": x.record_type, "id": x.record_id, "title": x.title,
                     "message": x.message, "due": x.due} for x in found])
    elif not found:
        print("Nothing needs attention.")
    else:
        print_table([(x.kind.replace("_", " "), x.title, x.message) for x in found])
        print(f"{len(found):,} {'reminder' if len(found) == 1 else 'reminders'}.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from partnerdesk.db.migrate import head_revision, known_revisions, stored_revision
    from partnerdesk.db.places import read_only_note

    if server_url(args) is not None:
        return _check_office(args)
    path = file_only(args, "check")
    if not path.exists():
        raise PartnerDeskError(f"There is no database at {path}.")
    revision = stored_revision(path)
    head = head_revision()
    if revision is not None and revision not in known_revisions():
        print(f"Database: {path}\nSchema:   {revision} (made by a newer version of PartnerDesk)")
        return 1
    healthy = backups.integrity_ok(path)
    state = "current" if revision == head else f"older; will be upgraded to {head} when opened"
    print(f"Database:  {path}\nSchema:    {revision} ({state})\n"
          f"Integrity: {'ok' if healthy else 'DAMAGED: restore a backup (partnerdesk restore)'}")
    counter_ok = not healthy or revision is None or _counter_ok(path)
    if not counter_ok:
        print("Counter:   DAMAGED (not a whole number PartnerDesk can use, as an older "
              "version left it after importing a bundle made by hand); the next save "
              "repairs it from the records")
    note = read_only_note(path)
    if note:  # read-only is not damaged: said apart, and the file is as healthy as it reads
        print(f"Access:    read-only. {note}")
    return 0 if healthy and revision is not None and counter_ok else 1


def _counter_ok(path: Path) -> bool:
    """Whether the stored change counter is a whole number below 2**53 (or not there)."""
    from partnerdesk.services.store import COUNTER_KEY, usable_counter

    value = backups.stored_setting(path, COUNTER_KEY)
    return value is backups.MISSING or usable_counter(value) is not None


def _check_office(args: argparse.Namespace) -> int:
    import os

    from partnerdesk.db.migrate import head_revision
    from partnerdesk.services.office import check_server

    url = server_url(args)
    assert url is not None
    found = check_server(url, password=os.environ.get("PGPASSWORD") or None)
    print(f"Database:  {found.address} (office database)")
    if found.state == "empty":
        print("Schema:    none yet: an empty database. PartnerDesk sets it up when it first "
              "opens it (or 'partnerdesk move-to-server' copies a laptop's records in).")
        return 1
    if found.state == "newer":
        print(f"Schema:    {found.revision} (made by a newer version of PartnerDesk: install "
              "it to open this database)")
        return 1
    state = ("current" if found.state == "current"
             else f"older; will be upgraded to {head_revision()} when opened")
    print(f"Schema:    {found.revision} ({state})")
    if found.mismatched:
        wrong = sum(len(ids) for ids in found.mismatched.values())
        where = ", ".join(f"{len(ids):,} {table}" for table, ids in found.mismatched.items())
        print(f"Records:   DAMAGED: {wrong:,} of {found.records:,} records do not match their "
              f"revision ({where}): they were changed outside PartnerDesk. Restore a backup "
              "(partnerdesk restore) or ask the person who looks after the server.")
    else:
        print(f"Records:   ok ({found.records:,} checked against their revisions)")
    if not found.can_change:
        print("Access:    read-only. Your account may look, search and print, not change.")
    return 0 if found.healthy else 1


def run_backup(args: argparse.Namespace) -> int:
    from partnerdesk.db.backup_folder import backups_folder
    from partnerdesk.db.places import read_only_media
    from partnerdesk.services.backups import Backups

    if server_url(args) is not None:
        return _backup_office(args)
    path = file_only(args, "backup")
    service = Backups(path)
    if not args.output and read_only_media(backups_folder(path)):
        raise PartnerDeskError(
            f"The backups of {path} are kept on a read-only drive, so no backup can be "
            "written there; the database itself is fine to read. Write one elsewhere with "
            "'partnerdesk backup --output FILE', or copy the database to a folder you can "
            "save in.")
    if args.output:
        target = service.backup_to(Path(args.output).expanduser())
    else:
        target = service.backup_now("manual").path
    print(f"Backup written to {target}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from partnerdesk.services.backups import Backups

    if server_url(args) is not None:
        return _restore_office(args)
    path = file_only(args, "restore")
    result = Backups(path).restore(Path(args.file).expanduser())
    print(f"Restored {path} from {args.file}.")
    if result.kept:
        print(f"The database as it was before is kept at {result.kept}")
    if result.set_aside:
        print(f"The damaged database was kept aside at {result.set_aside}")
    return 0


def _backup_office(args: argparse.Namespace) -> int:
    """An office database's backup: a complete database file with history and the
    attachments beside it, and the server's pg_dump beside that when installed."""
    import os
    from datetime import datetime

    from partnerdesk.db.server import parse_address
    from partnerdesk.services.office import backup_server

    url = server_url(args)
    assert url is not None
    if args.output:
        target = Path(args.output).expanduser()
    else:
        stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
        target = parse_address(url).local_folder() / "backups" / f"office-{stamp}.db"
    result = backup_server(url, target, password=os.environ.get("PGPASSWORD") or None)
    print(f"Backup of {parse_address(url)} written to {target}: "
          f"{result.records:,} records, {result.history:,} history entries, "
          f"{result.attachments:,} attachment files, checked.")
    dump = target.with_suffix(".pgdump")
    if dump.exists():
        print(f"The server's own dump (pg_dump) is beside it: {dump}")
    if result.missing_files:
        print(f"partnerdesk: warning: {len(result.missing_files):,} attachments had no "
              "stored bytes on the server: " + ", ".join(result.missing_files[:10]))
    return 0


def _restore_office(args: argparse.Namespace) -> int:
    import os

    from partnerdesk.services.office import restore_server

    url = server_url(args)
    assert url is not None
    result = restore_server(Path(args.file).expanduser(), url,
                            password=os.environ.get("PGPASSWORD") or None)
    print(f"Restored {args.file} into {result.address}: {result.records:,} records, "
          f"{result.history:,} history entries, {result.attachments:,} attachment files, "
          "checked.")
    return 0
