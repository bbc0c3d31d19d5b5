"""Open one editor on its own, on the sample data in a temporary database.

    python -m partnerdesk.ui.editors.partnership            # the first partnership
    python -m partnerdesk.ui.editors.meeting --new          # an empty form
    python -m partnerdesk.ui.editors.agreement --png a.png  # save a picture and quit

A quick look for whoever works on an editor; nothing touches the real data folder.
"""

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from partnerdesk.services import Desk


def sample_desk(folder: Path) -> "Desk":
    """A temporary database with the sample data (and its own data folder)."""
    import os

    os.environ["PARTNERDESK_DATA_DIR"] = str(folder / "data")
    from partnerdesk.services import Desk

    desk = Desk.open(folder / "preview.db")
    desk.load_sample_data()
    return desk


def preview(editor_class: type, record_type: str, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Preview the {record_type} editor.")
    parser.add_argument("--new", action="store_true", help="show an empty form")
    parser.add_argument("--png", type=Path, help="save a picture of the editor and quit")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        desk = sample_desk(Path(folder))
        from partnerdesk.ui.widgets.editor_pane import EditorPane

        editor = editor_class(desk)
        pane = EditorPane(desk, editor)
        pane.resize(760, 720)
        rows = desk.service(record_type).list(limit=1)
        pane.load(None if args.new or not rows else rows[0].id)
        pane.show()
        if args.png:
            app.processEvents()
            pane.grab().save(str(args.png))
            code = 0
        else:
            code = app.exec()
        pane.close()
        desk.close()
    return code
