"""Starting PartnerDesk the way a desktop starts it: maybe with a `.partnerdesk` file.

A file manager runs `PartnerDesk FILE.partnerdesk` when a bundle is double-clicked
(the .desktop file's `%f`, Windows' file association). argparse would take the file
for an unknown command, so this front door looks for it first: with a screen, the
window opens and starts the import preview; without one, the preview is printed and
the command to import it is shown. Anything else goes to the usual command line.

No Qt here: the Qt half is `partnerdesk.ui.open_file`. Nothing heavy either: this module
runs before every command, so it imports what a command needs only once it knows the
command (`--version` prints without loading the tables, SQLAlchemy or Qt).
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from partnerdesk import version_text

BUNDLE_SUFFIX = ".partnerdesk"
MIME_TYPE = "application/x-partnerdesk-bundle"
DESKTOP_ID = "org.partnerdesk.PartnerDesk"


def split_bundle_argument(argv: Sequence[str]) -> tuple[str | None, Path | None] | None:
    """(the --db value, the bundle path) when argv is `[--db PATH] FILE.partnerdesk`.

    None when argv is anything else, which the command line then handles as usual."""
    db: str | None = None
    rest = list(argv)
    if rest and rest[0] == "--db" and len(rest) >= 2:
        db, rest = rest[1], rest[2:]
    elif rest and rest[0].startswith("--db="):
        db, rest = rest[0].split("=", 1)[1], rest[1:]
    if len(rest) == 1 and rest[0].lower().endswith(BUNDLE_SUFFIX):
        return db, Path(rest[0]).expanduser().resolve()
    if not rest:
        return db, None
    return None


def desktop_entry_path() -> Path:
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "applications" / f"{DESKTOP_ID}.desktop"


def ensure_desktop_integration(executable: Path | None = None) -> bool:
    """On Linux, a frozen PartnerDesk puts itself in the applications menu on its first start.

    People who unpack the download never open a terminal to run linux/install.sh, so the
    app runs it, quietly, whenever the menu entry is missing or starts another copy (the
    folder was moved, or a newer version unpacked elsewhere: the one run last wins).
    True when the script ran and succeeded."""
    if not sys.platform.startswith("linux"):
        return False
    executable = executable or Path(sys.executable)
    script = executable.parent / "linux" / "install.sh"
    if not script.is_file():
        return False  # not a bundle (running from source or a wheel)
    import subprocess

    entry = desktop_entry_path()
    try:
        if entry.is_file() and f"TryExec={executable}\n" in entry.read_text(encoding="utf-8"):
            return False
        subprocess.run(["sh", str(script), "--quiet", "--exec", str(executable)], check=True,
                       timeout=60, stdin=subprocess.DEVNULL, capture_output=True)
    except (OSError, subprocess.SubprocessError) as error:
        import logging  # not at the top: `--version` prints before logging is loaded

        logging.getLogger("partnerdesk.desktop").warning(
            "Could not add PartnerDesk to the applications menu: %s", error)
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """The program's front door (the `partnerdesk` command and the frozen app)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        # What argparse's version action prints, without building every command first.
        print(version_text())
        return 0
    opening = split_bundle_argument(args)
    from partnerdesk.cli import main as cli_main
    from partnerdesk.cli.launch import has_display

    if opening is None:
        return cli_main(args)
    db, bundle = opening
    if not has_display():
        if bundle is None:
            return cli_main(args)
        print("There is no display here, so the PartnerDesk window cannot open. This is what "
              f"importing {bundle.name} would change; nothing has been changed yet.")
        db_args = ["--db", db] if db else []
        status = cli_main([*db_args, "import", "--dry-run", str(bundle)])
        if status == 0:
            print(f"To bring these records in, run:  partnerdesk import \"{bundle}\"")
        return status
    from partnerdesk.logs import setup_logging
    from partnerdesk.paths import resolve_db_path, server_location
    from partnerdesk.private import keep_private
    from partnerdesk.ui.app import run

    keep_private()
    setup_logging()
    if getattr(sys, "frozen", False):
        ensure_desktop_integration()
    return run(server_location(db) or resolve_db_path(db), sys.argv[:1], bundle=bundle)


if __name__ == "__main__":
    sys.exit(main())
