"""Make the user guide's pictures: resources/guide/images/*.png, about 1000 px wide.

    .venv/bin/python packaging/guide_images.py

When `scripts/screenshots OUT_DIR` exists (the app's own screenshot tour), its pictures
are used: each guide picture takes the first screenshot whose file name holds one of its
keywords. Any picture still missing is taken here, offscreen, from the sample data.
Pictures are scaled down to at most WIDTH pixels and squeezed with optipng when it is
installed. The PNGs are committed; a build does not need this script.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "resources" / "guide" / "images"
SCREENSHOTS = ROOT / "scripts" / "screenshots"
WIDTH = 1000
TODAY = date(2026, 11, 23)
# Guide picture -> keywords looked for in the names scripts/screenshots writes.
KEYWORDS = {
    "welcome": ("welcome", "first-run"),
    "dashboard": ("dashboard",),
    "partnership": ("partnership-editor", "partnership"),
    "agreement": ("agreement-editor", "agreement", "mou"),
    "funding": ("funding-editor", "funding"),
    "resource-map": ("gaps", "resource-map", "resource_map", "network"),
    "reports": ("report",),
    "sharing": ("import-preview", "preview", "sharing", "import"),
    "backups": ("backups", "backup"),
}


def save_scaled(image: QImage, target: Path) -> None:
    if image.width() > WIDTH:
        image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
    image.convertToFormat(QImage.Format.Format_RGB32).save(str(target), "PNG")


def from_screenshots(out: Path) -> set[str]:
    """Run the app's own screenshot tour; returns the guide pictures it provided."""
    if not SCREENSHOTS.is_file():
        return set()
    subprocess.run([str(SCREENSHOTS), str(out)], check=True, cwd=ROOT)
    shots = sorted(out.rglob("*.png"))
    done = set()
    for name, keywords in KEYWORDS.items():
        shot = next((s for k in keywords for s in shots if k in s.stem.lower()), None)
        if shot is not None:
            save_scaled(QImage(str(shot)), IMAGES / f"{name}.png")
            done.add(name)
    return done


def grab(widget: QWidget, app: QApplication) -> QImage:
    widget.show()
    for _ in range(5):
        app.processEvents()
    return widget.grab().toImage()


# Screens the window may not show yet in this build: key -> (module, class, title).
EXTRA_SCREENS = {
    "resource_map": ("partnerdesk.ui.resource_map.view", "ResourceMapView", "Resource map"),
    "reports": ("partnerdesk.ui.reports_view", "ReportsView", "Reports"),
    "sharing": ("partnerdesk.ui.sharing_view", "SharingView", "Sharing"),
}


def add_screen(window: Any, desk: Any, key: str) -> bool:
    from importlib import import_module

    from partnerdesk.ui.main_window import module_exists

    module, name, title = EXTRA_SCREENS.get(key, ("", "", ""))
    if not module or not module_exists(module):
        return False
    screen = getattr(import_module(module), name, None)
    if screen is None:
        return False
    window.add_view(key, title, screen(desk))
    return True


def own_pictures(app: QApplication, wanted: set[str], folder: Path) -> set[str]:
    """Take the missing pictures from the sample data, with the screens that exist."""
    from partnerdesk.services import Desk
    from partnerdesk.services.demo import load_demo
    from partnerdesk.ui.main_window import MainWindow

    os.environ["PARTNERDESK_DATA_DIR"] = str(folder)
    desk = Desk.open(folder / "partnerdesk.db")
    load_demo(desk, today=TODAY)
    window = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1180, 740)
    window.set_desk(desk, today=TODAY)
    done: set[str] = set()

    def shot(name: str, make: Callable[[], QImage | None]) -> None:
        if name in wanted:
            image = make()
            if image is not None:
                save_scaled(image, IMAGES / f"{name}.png")
                done.add(name)

    def welcome() -> QImage:
        from partnerdesk.ui.welcome import WelcomeDialog

        dialog = WelcomeDialog(desk)
        dialog.name.setText("Eastside Community Partners")
        return grab(dialog, app)

    def view(key: str, record_type: str = "") -> Callable[[], QImage | None]:
        def make() -> QImage | None:
            if not window.has_view(key) and not add_screen(window, desk, key):
                return None
            window.show_view(key)
            window.statusBar().clearMessage()
            if record_type:
                first = getattr(desk, key).list(limit=1)
                if first:
                    window.open_record(record_type, first[0].id)
            return grab(window, app)
        return make

    def backups() -> QImage:
        from partnerdesk.services.backups import backup_now
        from partnerdesk.ui.backups_window import BackupsWindow

        backup_now(desk.path, "manual")
        dialog = BackupsWindow(desk, window)
        dialog.resize(760, 420)
        return grab(dialog, app)

    shot("welcome", welcome)
    shot("dashboard", view("dashboard"))
    shot("partnership", view("partnerships", "partnership"))
    shot("agreement", view("agreements", "agreement"))
    shot("funding", view("funding", "funding"))
    shot("resource-map", view("resource_map"))
    shot("reports", lambda: made_report(app, window, view("reports")))
    shot("backups", backups)
    shot("sharing", lambda: import_preview(app, window, folder))
    window.close()
    desk.close()
    return done


def made_report(app: QApplication, window: Any, show: Callable[[], QImage | None]
                ) -> QImage | None:
    """The Reports screen with a partnership report made and previewed."""
    import time

    if show() is None:
        return None
    screen = window.current_view()
    button, ready = getattr(screen, "make_button", None), getattr(screen, "save_button", None)
    if button is not None and ready is not None:
        button.click()
        deadline = time.monotonic() + 90
        while not ready.isEnabled() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.05)
        for _ in range(10):
            app.processEvents()
    window.statusBar().clearMessage()
    return grab(window, app)


def import_preview(app: QApplication, window: Any, folder: Path) -> QImage | None:
    """The Sharing screen previewing a bundle from a colleague's laptop, as after a
    double-click on the file."""
    import time

    from partnerdesk.services import Desk
    from partnerdesk.services.demo import load_demo
    from partnerdesk.sharing.exporter import export_bundle
    from partnerdesk.ui.main_window import module_exists
    from partnerdesk.ui.open_file import handle_open_file, sharing_screen

    if not module_exists("partnerdesk.ui.sharing_view"):
        return None
    bundle = folder / "From Ana's laptop.partnerdesk"
    with Desk.open(folder / "colleague.db") as colleague:
        load_demo(colleague, today=TODAY)
        export_bundle(colleague, bundle)
    if not handle_open_file(window, bundle):
        return None
    _key, view = sharing_screen(window)
    deadline = time.monotonic() + 60
    while not view.apply_button.isEnabled() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    window.statusBar().clearMessage()
    return grab(window, app)


def optimise(paths: list[Path]) -> None:
    if paths and shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", "-strip", "all", *map(str, paths)],
                       check=True)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        done = from_screenshots(Path(temporary) / "shots")
        missing = set(KEYWORDS) - done
        if missing:
            done |= own_pictures(app, missing, Path(temporary) / "data")
    optimise([IMAGES / f"{name}.png" for name in sorted(done)])
    for name in KEYWORDS:
        path = IMAGES / f"{name}.png"
        state = f"{path.stat().st_size // 1024} KB" if name in done else "NOT MADE"
        print(f"{path.relative_to(ROOT)}  {state}")
    return 0 if done == set(KEYWORDS) else 1


if __name__ == "__main__":
    sys.exit(main())
