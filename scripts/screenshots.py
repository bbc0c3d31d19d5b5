"""Screenshots of PartnerDesk on the sample data (run through `scripts/screenshots OUT_DIR`).

Everything happens in a temporary folder (database, settings, data folder), offscreen.
Each view of the main window is saved as `NN-view-<key>.png`, and each kind of editor
with a record open as `NN-editor-<kind>.png`; a PNG that comes out blank is an error.
With `--dark`, in the dark palette (as on a system set to dark).

`scripts/screenshots --docs` remakes the README's pictures: every one the README shows
from `docs/screenshots/`, under its name there (without the number), from one run.
"""

import os
import re
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
WIDTH, HEIGHT = 1280, 800
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "screenshots"


def readme_pictures() -> list[str]:
    """The names of the pictures the README shows from docs/screenshots."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"\]\(docs/screenshots/([^)]+\.png)\)", text)


def remake_docs() -> int:
    """The README's pictures, made afresh in one run and copied under their names."""
    made = Path(tempfile.mkdtemp(prefix="partnerdesk-docs-"))
    code = main(made)
    if code:
        return code
    by_name = {path.name.split("-", 1)[1]: path for path in made.glob("*.png")}
    wanted = readme_pictures()
    missing = [name for name in wanted if name not in by_name]
    if missing:
        print("The README shows pictures this script does not make: " + ", ".join(missing),
              file=sys.stderr)
        return 1
    DOCS.mkdir(parents=True, exist_ok=True)
    for old in DOCS.glob("*.png"):
        if old.name not in wanted:
            old.unlink()  # nothing shows it any more
    for name in wanted:
        shutil.copyfile(by_name[name], DOCS / name)
        print(DOCS / name)
    shutil.rmtree(made, ignore_errors=True)
    return 0


def not_blank(path: Path) -> bool:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    if image.isNull():
        return False
    colours = {image.pixel(x, y) for x in range(0, image.width(), 5)
               for y in range(0, image.height(), 5)}
    return len(colours) > 8


def main(out_dir: Path, dark: bool = False) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="partnerdesk-screens-"))
    os.environ["PARTNERDESK_DATA_DIR"] = str(work / "data")
    os.environ.pop("PARTNERDESK_DB", None)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from partnerdesk.ui.app import make_application

    app = make_application([sys.argv[0]])
    app.setApplicationName("PartnerDesk-screenshots")  # settings apart from the real app
    if dark:
        from PySide6.QtCore import Qt

        from partnerdesk.ui import theme

        theme.apply_scheme(app, Qt.ColorScheme.Dark)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "ini"))

    from partnerdesk.services import Desk
    from partnerdesk.services.demo import load_demo
    from partnerdesk.ui.main_window import MainWindow
    from partnerdesk.ui.welcome import WelcomeDialog

    today = date.today()
    desk = Desk.open(work / "sample.db")
    load_demo(desk, today=today)
    desk.contacts.delete(desk.contacts.list(order_by="name", descending=True, limit=1)[0].id)
    saved: list[Path] = []

    def save(widget: object, name: str) -> None:
        QApplication.processEvents()
        QApplication.processEvents()  # what the first round laid out (columns, scroll bars)
        path = out_dir / f"{len(saved) + 1:02d}-{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        saved.append(path)

    def wait_for(done: object, seconds: float = 60) -> None:
        """Let the app's workers finish (a report is made in the background)."""
        import time

        end = time.monotonic() + seconds
        while not done() and time.monotonic() < end:  # type: ignore[operator]
            QApplication.processEvents()
            time.sleep(0.02)
        if not done():  # type: ignore[operator]
            raise SystemExit("A screen did not finish in time; no screenshot of it.")
        QApplication.processEvents()

    welcome_desk = Desk.open(work / "empty.db")
    welcome = WelcomeDialog(welcome_desk)
    welcome.name.setText("Eastside Community Partners")
    welcome.show()
    save(welcome, "welcome")
    welcome.close()
    # after the welcome: the empty dashboard's getting-started steps
    welcome_desk.organizations.create(name="Eastside Community Partners", is_us=True,
                                      status="active")
    first_window = MainWindow()
    first_window.set_desk(welcome_desk, today=today)
    first_window.show()
    first_window.resize(WIDTH, HEIGHT)
    save(first_window, "getting-started")
    first_window.close()
    welcome_desk.close()

    window = MainWindow()
    window.resize(WIDTH, HEIGHT)
    window.set_desk(desk, today=today)
    window.show()
    window.resize(WIDTH, HEIGHT)
    for key in window.view_keys():
        window.show_view(key)
        view = window.view(key)
        if hasattr(view, "select_row") and view.model.rowCount():
            view.select_row(0)
        if key == "reports":  # a report made, as a person sees it, not the empty pane
            view.make_report()
            wait_for(lambda view=view: view.pdf is not None)
        save(window, f"view-{key}")

    samples = {"organization": desk.organizations.list(where={"kind": "hospital"}, limit=1),
               "contact": desk.contacts.list(limit=1, offset=1),
               "partnership": desk.partnerships.list(limit=1),
               "agreement": desk.agreements.list(where={"status": "active"}, limit=1),
               "meeting": desk.meetings.list(order_by="starts_at", descending=True,
                                             limit=1),
               "funding": desk.funding.list(where={"status": "active"}, limit=1),
               "event": desk.events.list(order_by="starts_at", limit=1),
               "feedback": desk.feedback.list(where={"channel": "survey"}, limit=1)}
    for kind, rows in samples.items():
        if rows and window.open_record(kind, rows[0].id):
            view = window.current_view()
            pane = getattr(view, "pane", None)
            if pane is not None:
                pane.resize(640, HEIGHT - 60)
                save(pane, f"editor-{kind}")
    edited = desk.contacts.list(limit=1, offset=2)[0]
    desk.contacts.update(edited.id, role="Community nurse lead")
    desk.contacts.update(edited.id, tags=["screening", "schools"])
    window.open_record("contact", edited.id)
    contacts = window.view("contacts")
    contacts.pane.history_button.setChecked(True)
    contacts.pane.history.entries.setCurrentItem(contacts.pane.history.entries.topLevelItem(1))
    save(window, "history-panel")
    contacts.pane.history_button.setChecked(False)

    from partnerdesk.ui.preferences import PreferencesDialog

    preferences = PreferencesDialog(desk, window)
    preferences.show()
    save(preferences, "preferences")
    preferences.close()

    window.show_view("dashboard")
    window.search_popup.popup("mercy")
    QApplication.processEvents()
    save(window.search_popup, "search")
    window.search_popup.hide()

    for view in window.views.values():  # no prompts on the way out
        editor = getattr(view, "editor", None)
        if editor is not None and editor.is_dirty():
            editor.discard()
    window.close()
    desk.close()

    blank = [path.name for path in saved if not not_blank(path)]
    for path in saved:
        print(path)
    if blank:
        print("These came out blank: " + ", ".join(blank), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--docs"]:
        sys.exit(remake_docs())
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["--dark"]):
        print("Usage: scripts/screenshots OUT_DIR [--dark] | --docs", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), dark=sys.argv[2:] == ["--dark"]))
