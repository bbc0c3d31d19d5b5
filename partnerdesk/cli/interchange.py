"""Sub-commands for spreadsheets, address books, calendars and resource directories:
import-csv, export-csv, import-vcard, export-vcard, export-ical, import-hsds,
export-hsds, duplicates."""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdesk.cli.common import Commands, open_desk
from partnerdesk.cli.output import print_json, print_table
from partnerdesk.errors import PartnerDeskError

if TYPE_CHECKING:
    from partnerdesk.services import Desk

RECORD_TYPES = {"contacts": "contact", "organizations": "organization"}
# export-csv also writes community events, feedback and funding
EXPORT_TYPES = {**RECORD_TYPES, "events": "event", "feedback": "feedback",
                "funding": "funding"}


def _duplicate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="show what would happen; change nothing")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--on-duplicate", choices=("merge", "skip", "add"), default="merge",
                        help="what to do with a likely duplicate (default: merge, filling "
                             "only empty fields)")
    parser.add_argument("--valid-only", action="store_true",
                        help="import the valid rows even when others have problems")


def register(commands: Commands) -> None:
    imp = commands.add_parser("import-csv", help="import contacts or organizations from CSV")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--type", choices=tuple(RECORD_TYPES), default="contacts")
    imp.add_argument("--map", action="append", default=[], metavar="COLUMN=field",
                     help="what a column holds, by its header (or number) and a field: "
                          "name, given, family, email, phone:mobile, phone:fax, "
                          "phone_extension, department, website, address:work:street, "
                          "address:work:city, … or ignore; may be given several times")
    _duplicate_options(imp)
    imp.set_defaults(run=run_import_csv)

    exp = commands.add_parser("export-csv", help="export contacts, organizations, events, "
                                                 "feedback or funding to CSV")
    exp.add_argument("--type", choices=tuple(EXPORT_TYPES), default="contacts")
    exp.add_argument("-o", "--output", metavar="FILE", required=True)
    exp.add_argument("--shareable-only", action="store_true",
                     help="only contacts who agreed to be shared; no internal notes or "
                          "internal funding amounts")
    exp.set_defaults(run=run_export_csv)

    vexp = commands.add_parser("export-vcard", help="export contacts as vCards")
    vexp.add_argument("-o", "--output", metavar="FILE.vcf", required=True)
    vexp.add_argument("--version", dest="vcard_version", choices=("3.0", "4.0"), default="3.0")
    vexp.add_argument("--shareable-only", action="store_true",
                      help="only contacts who agreed to be shared")
    vexp.set_defaults(run=run_export_vcard)

    vimp = commands.add_parser("import-vcard", help="import contacts from vCards (.vcf)")
    vimp.add_argument("file", metavar="FILE")
    _duplicate_options(vimp)
    vimp.set_defaults(run=run_import_vcard)

    ical = commands.add_parser("export-ical", help="export meetings, to-dos and key dates "
                                                   "as a calendar (.ics)")
    ical.add_argument("-o", "--output", metavar="FILE.ics", required=True)
    ical.set_defaults(run=run_export_ical)

    hexp = commands.add_parser("export-hsds", help="export the resource directory as an "
                                                   "Open Referral HSDS 3 package")
    hexp.add_argument("-o", "--output", metavar="DIR_OR_ZIP", required=True)
    hexp.set_defaults(run=run_export_hsds)

    himp = commands.add_parser("import-hsds", help="import an Open Referral HSDS package "
                                                   "(folder or zip)")
    himp.add_argument("path", metavar="PATH")
    himp.add_argument("--dry-run", action="store_true")
    himp.add_argument("--json", action="store_true", help="print JSON")
    himp.add_argument("--valid-only", action="store_true",
                      help="import the valid rows even when others have problems")
    himp.set_defaults(run=run_import_hsds)

    dup = commands.add_parser("duplicates", help="list likely duplicate contacts and "
                                                 "organizations")
    dup.add_argument("--json", action="store_true", help="print JSON")
    dup.set_defaults(run=run_duplicates)


PREVIEW_ROWS = 5  # rows a dry run shows as they would be imported


def _report(args: argparse.Namespace, plan: Any, counts: dict[str, int]) -> None:
    if args.json:
        extra: dict[str, Any] = {}
        if plan.not_imported:
            extra["not_imported"] = plan.not_imported
        if plan.notes:
            extra["notes"] = plan.notes
        print_json({**counts, **extra})
        return
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb}: {counts['new']} new, {counts['merged']} merged with existing records, "
          f"{counts['skipped']} skipped, {counts['invalid']} with problems.")
    if plan.not_imported:
        print(f"Not imported: {', '.join(plan.not_imported)}.")
    for note in plan.notes:
        print(f"  {note}")
    for row in plan.invalid:
        print(f"  row {row.row}: {'; '.join(row.problems)}")
    if args.dry_run:
        for row in plan.rows[:PREVIEW_ROWS]:
            print(f"  row {row.row}: {_preview(row)}")
        for row in plan.rows:
            if row.duplicate and row.valid:
                print(f"  row {row.row}: “{row.title}” looks like “{row.match_title}” "
                      f"({row.reason}) → {row.action}")


def _preview(row: Any) -> str:
    """One planned row as the fields it fills: name, organization, e-mails, phones…"""
    from partnerdesk.services.contact_details import entry_text

    parts = [f"“{row.title}”"]
    if row.organization:
        parts.append(f"organization {row.organization}")
    for name, value in row.values.items():
        if name == "name" or value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            text = "; ".join(entry_text(name, item) if isinstance(item, dict) else str(item)
                             for item in value)
        else:
            text = str(value)
        parts.append(f"{name.replace('_', ' ')} {text}".replace("\n", " / "))
    return ", ".join(parts)


def _run_plan(args: argparse.Namespace, desk: "Desk", plan: Any) -> int:
    plan.set_duplicate_action(args.on_duplicate)
    if args.dry_run:
        _report(args, plan, plan.counts())
        return 0
    # refuses a plan with problems (unless --valid-only) before anything is written
    result = desk.interchange.apply(plan, valid_only=args.valid_only)
    _report(args, plan, result.counts)
    return 0


def run_import_csv(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        source = desk.interchange.open_csv(args.file, RECORD_TYPES[args.type])
        if args.map:
            source.remap(args.map)
        plan = desk.interchange.plan_csv(source)  # refuses a file it cannot import
        if args.dry_run and not args.json:  # which layout the headers were taken for
            print(f"This file looks like: {source.layout_label}.")
        return _run_plan(args, desk, plan)


def run_import_vcard(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        return _run_plan(args, desk, desk.interchange.plan_vcard(args.file))


def run_export_csv(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        count = desk.interchange.export_csv(EXPORT_TYPES[args.type], _path_ok(args.output),
                                            args.shareable_only)
    what = "funding records" if args.type == "funding" else args.type
    print(f"Wrote {count} {what} to {args.output}")
    return 0


def run_export_vcard(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        count = desk.interchange.export_vcard(_path_ok(args.output), args.vcard_version,
                                              args.shareable_only)
    print(f"Wrote {count} contacts to {args.output} (vCard {args.vcard_version})")
    return 0


def run_export_ical(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        count = desk.interchange.export_ical(_path_ok(args.output))
    print(f"Wrote {count} calendar entries to {args.output}")
    return 0


def run_export_hsds(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        counts = desk.interchange.export_hsds(_path_ok(args.output))
    print(f"Wrote {counts['organization']} organizations and {counts['service']} services "
          f"to {args.output}")
    return 0


def run_import_hsds(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        plan = desk.interchange.plan_hsds(args.path)
        counts = plan.counts() if args.dry_run else desk.interchange.apply(
            plan, valid_only=args.valid_only).counts
    if args.json:
        print_json(counts)
    else:
        verb = "Would import" if args.dry_run else "Imported"
        print(f"{verb}: {counts['new']} new organizations, {counts['merged']} updated or "
              f"merged with existing ones, {counts['services']} new services and "
              f"{counts.get('services_updated', 0)} updated, {counts['contacts']} new "
              f"contacts and {counts.get('contacts_updated', 0)} updated, "
              f"{counts['invalid']} with problems.")
        if counts.get("possible_duplicates"):
            print(f"{counts['possible_duplicates']} look like records already here or in the "
                  "package (same website, e-mail, phone or name) and are kept apart: "
                  "`partnerdesk duplicates` lists them to merge or keep apart.")
        # which rows have problems, and what goes with them, for a person to fix
        for row in plan.organizations.invalid:
            print(f"  organizations.csv row {row.row}: {'; '.join(row.problems)}")
        for service in plan.services:
            if service.problems:
                print(f"  services.csv row {service.row}: {'; '.join(service.problems)}")
        for note in plan.organizations.notes:
            print(f"  {note}")
    return 0


def run_duplicates(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        pairs = desk.duplicates.find()
    if args.json:
        print_json([{"type": p.record_type, "first_id": p.first_id, "second_id": p.second_id,
                     "first": p.first_title, "second": p.second_title,
                     "reasons": list(p.reasons)} for p in pairs])
    elif not pairs:
        print("No likely duplicates.")
    else:
        print_table([(p.record_type, p.first_title, p.second_title, "; ".join(p.reasons))
                     for p in pairs])
    return 0


def _path_ok(path: str) -> Path:
    target = Path(path).expanduser()
    if not target.parent.exists():
        raise PartnerDeskError(f"The folder {target.parent} does not exist.")
    return target
