"""Sub-commands for sharing records as bundle files: export, import, conflicts, imports,
undo-import."""

import argparse
import getpass
import os
from pathlib import Path

from partnerdesk.cli.common import Commands, open_desk
from partnerdesk.cli.output import print_json, print_table
from partnerdesk.errors import PartnerDeskError

PASSPHRASE_VARIABLE = "PARTNERDESK_PASSPHRASE"


def register(commands: Commands) -> None:
    export = commands.add_parser("export", help="write records to a bundle file")
    export.add_argument("-o", "--output", metavar="FILE.partnerdesk", required=True)
    which = export.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every record (the default)")
    which.add_argument("--partnership", metavar="NAME_OR_ID",
                       help="one partnership and everything it touches")
    export.add_argument("--for-partner", action="store_true",
                        help="leave out internal notes and contacts not cleared for sharing")
    export.add_argument("--seal", action="store_true",
                        help=f"encrypt with a passphrase (from ${PASSPHRASE_VARIABLE}, "
                             "else asked)")
    export.set_defaults(run=run_export)

    imp = commands.add_parser("import", help="bring in records from a bundle file")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="only show what would change")
    imp.add_argument("--json", action="store_true", help="print the counts as JSON")
    imp.set_defaults(run=run_import)

    conflicts = commands.add_parser("conflicts", help="values this laptop lost in imports")
    conflicts.add_argument("--json", action="store_true", help="print JSON")
    conflicts.set_defaults(run=run_conflicts)

    imports = commands.add_parser("imports", help="the imports made on this laptop")
    imports.add_argument("--json", action="store_true", help="print JSON")
    imports.set_defaults(run=run_imports)

    undo = commands.add_parser("undo-import", help="put back what an import changed")
    undo.add_argument("batch", metavar="ID")
    undo.add_argument("--yes", action="store_true",
                      help="also put back records changed since the import")
    undo.set_defaults(run=run_undo)


def passphrase(confirm: bool) -> str:
    """From the environment, else asked without echo."""
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given:
        return given
    try:
        first = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Passphrase again: ") != first:
            raise PartnerDeskError("The two passphrases differ; nothing was written. "
                                   "Try again.")
    except EOFError as error:
        raise PartnerDeskError(f"A passphrase is needed: set {PASSPHRASE_VARIABLE} or run "
                               "the command in a terminal.") from error
    return first


def run_export(args: argparse.Namespace) -> int:
    from partnerdesk.sharing.exporter import Scope, export_bundle, find_partnership

    target = Path(args.output).expanduser()
    with open_desk(args) as desk:
        if args.partnership:
            scope = Scope.partnership(find_partnership(desk, args.partnership),
                                      for_partner=args.for_partner)
        else:
            scope = Scope.everything(for_partner=args.for_partner)
        secret = passphrase(confirm=True) if args.seal else None
        result = export_bundle(desk, target, scope, passphrase=secret)
    sealed = " (sealed)" if result.sealed else ""
    print(f"Wrote {result.total:,} records and {result.attachments:,} attachments to "
          f"{result.path}{sealed}.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from partnerdesk.sharing.importer import import_file

    with open_desk(args, create=True) as desk:
        result = import_file(desk, Path(args.file).expanduser(),
                             passphrase=os.environ.get(PASSPHRASE_VARIABLE) or None,
                             dry_run=args.dry_run,
                             ask_passphrase=lambda: passphrase(confirm=False))
    counts = result.preview.counts()
    if args.json:
        print_json(counts)
        return 0
    verb = "Would bring" if args.dry_run else "Brought"
    print(f"{verb} in: {counts['new']:,} new, {counts['updated']:,} updated, "
          f"{counts['deleted']:,} deleted, {counts['already_deleted']:,} already deleted "
          f"elsewhere, {counts['conflicts']:,} in conflict; "
          f"{counts['unchanged']:,} unchanged.")
    changed = [item for item in result.preview.items]
    print_table([(item.status, item.record_type.replace("_", " "), item.title,
                  ", ".join(item.fields[:6])) for item in changed[:50]])
    if len(changed) > 50:
        print(f"… and {len(changed) - 50:,} more.")
    if result.batch_id:
        print(f"Import id: {result.batch_id} (undo with 'partnerdesk undo-import "
              f"{result.batch_id}')")
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    from partnerdesk.sharing.conflicts import list_conflicts

    with open_desk(args) as desk:
        found = list_conflicts(desk)
    if args.json:
        print_json([{"id": c.id, "type": c.record_type, "record_id": c.record_id,
                     "title": c.title, "field": c.field, "label": c.label,
                     "lost_value": c.lost_value, "lost_device": c.lost_from,
                     "lost_by": c.lost_by,
                     "kept_value": c.won_value, "kept_device": c.won_from,
                     "kept_by": c.won_by,
                     # the winner was the value this laptop held (a colleague's lost)
                     "kept_here": c.kept_here,
                     "detected_at": c.detected_at, "import": c.batch_id} for c in found])
    elif not found:
        print("No open conflicts.")
    else:
        print_table([("#", "record", "field", "lost (typed by)", "kept (typed by)", "")]
                    + [(str(c.id), c.title, c.label, f"{c.lost_value} ({c.lost_by})",
                        f"{c.won_value} ({c.won_by})",
                        "this laptop's kept" if c.kept_here else "this laptop's replaced")
                       for c in found])
    return 0


def run_imports(args: argparse.Namespace) -> int:
    from partnerdesk.sharing.undo import list_imports

    with open_desk(args) as desk:
        found = list_imports(desk)
    if args.json:
        print_json([{"id": b.id, "imported_at": b.imported_at, "source": b.source,
                     "from_device": b.from_device, "from_organization": b.from_organization,
                     "summary": b.summary, "undone": b.undone} for b in found])
    elif not found:
        print("No imports yet.")
    else:
        print_table([(b.id, b.imported_at.strftime("%Y-%m-%d %H:%M"),
                      Path(b.source).name, b.from_organization or b.from_device[:8],
                      ", ".join(f"{k} {v}" for k, v in b.summary.items() if v),
                      "undone" if b.undone else "") for b in found])
    return 0


def run_undo(args: argparse.Namespace) -> int:
    from partnerdesk.sharing.undo import undo_import

    with open_desk(args) as desk:
        check = undo_import(desk, args.batch, confirm=args.yes)
    print(f"Undone: {check.touched:,} records are back as they were before that import.")
    return 0
