"""`partnerdesk` with no command: open the app, or, with no display, do its main job anyway."""

import argparse
import os
import sys
from pathlib import Path

from partnerdesk.cli.common import db_path, server_url
from partnerdesk.paths import DB_ENV, data_dir


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def launch(args: argparse.Namespace) -> int:
    path = db_path(args)
    if has_display():
        from partnerdesk.ui.app import run

        # Without --db or PARTNERDESK_DB the app opens the database used last; an office
        # database's address goes through as it is.
        named = getattr(args, "db", None) or os.environ.get(DB_ENV)
        return run(server_url(args) or (path if named else None), sys.argv[:1])
    return run_headless(path, data_dir() / "sample-reports")


def run_headless(path: Path, reports_dir: Path) -> int:
    """No screen here: load the sample data (into an empty database) and write the reports."""
    from partnerdesk.reports.sample import write_sample_reports
    from partnerdesk.services import Desk
    from partnerdesk.services.demo import load_demo

    print("There is no display here, so the PartnerDesk window cannot open. "
          "Doing its main job instead: sample data and sample reports.")
    with Desk.open(path) as desk:
        if desk.organizations.count() or desk.organizations.count(deleted=True):
            print(f"The database {path} already holds records; using them as they are.")
        else:
            load_demo(desk)
            print(f"Sample data loaded into {path}")
        written = write_sample_reports(desk, reports_dir)
    print(f"Sample reports written to {reports_dir}:")
    for report in written:
        print(f"  {report}")
    print("Run 'partnerdesk --help' to see the commands, or open PartnerDesk on a computer "
          "with a screen.")
    return 0
