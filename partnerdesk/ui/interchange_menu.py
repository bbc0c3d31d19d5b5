"""File → Import… and Export… entries for every format, plus Find duplicates.

`build_import_export_menus(window, desk)` returns three actions for the main window's
File menu: an "Import" submenu, an "Export" submenu and "Find duplicates…". Exports
ask where to save, run on the database worker (`desk.interchange`) and say where the file
went.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from partnerdesk.services.progress import Progress
from partnerdesk.ui.icons import icon
from partnerdesk.ui.tasks import DeskOp

if TYPE_CHECKING:
    from partnerdesk.services import Desk
    from partnerdesk.ui.duplicates_window import DuplicatesWindow
    from partnerdesk.ui.import_wizard import ImportWizard


def tr(text: str) -> str:
    return QCoreApplication.translate("Interchange", text)


IMPORTS = (("csv-contact", "Contacts from a spreadsheet (CSV)…"),
           ("csv-organization", "Organizations from a spreadsheet (CSV)…"),
           ("vcard", "Contacts from an address book (vCard)…"),
           ("hsds", "Resource directory (Open Referral HSDS)…"))


# (key, menu text, suggested file name, file filter)
EXPORTS = (
    ("csv-contact", "Contacts to a spreadsheet (CSV)…", "contacts.csv", "CSV files (*.csv)"),
    ("csv-organization", "Organizations to a spreadsheet (CSV)…", "organizations.csv",
     "CSV files (*.csv)"),
    ("csv-event", "Events to a spreadsheet (CSV)…", "events.csv", "CSV files (*.csv)"),
    ("csv-feedback", "Feedback to a spreadsheet (CSV)…", "feedback.csv", "CSV files (*.csv)"),
    ("csv-funding", "Funding to a spreadsheet (CSV)…", "funding.csv", "CSV files (*.csv)"),
    ("vcard-3", "Contacts as vCards (3.0, most address books)…", "contacts.vcf",
     "vCard files (*.vcf)"),
    ("vcard-4", "Contacts as vCards (4.0)…", "contacts.vcf", "vCard files (*.vcf)"),
    ("ical", "Calendar: meetings, events, to-dos and key dates (iCalendar)…", "partnerdesk.ics",
     "Calendar files (*.ics)"),
    ("hsds", "Resource directory (Open Referral HSDS, zip)…", "resource-directory.zip",
     "Zip files (*.zip)"),
)


def export_work(key: str) -> Callable[[Desk, str], Any]:
    """work(desk, path) for an export (its library is imported when the export runs)."""
    works: dict[str, Callable[[Desk, str], Any]] = {
        "csv-contact": lambda desk, path: desk.interchange.export_csv("contact", path),
        "csv-organization": lambda desk, path: desk.interchange.export_csv("organization",
                                                                           path),
        "csv-event": lambda desk, path: desk.interchange.export_csv("event", path),
        "csv-feedback": lambda desk, path: desk.interchange.export_csv("feedback", path),
        "csv-funding": lambda desk, path: desk.interchange.export_csv("funding", path),
        "vcard-3": lambda desk, path: desk.interchange.export_vcard(path, "3.0"),
        "vcard-4": lambda desk, path: desk.interchange.export_vcard(path, "4.0"),
        "ical": lambda desk, path: desk.interchange.export_ical(path),
        "hsds": lambda desk, path: desk.interchange.export_hsds(path),
    }
    return works[key]


def export_to(window: QWidget, desk: Desk, key: str) -> None:
    """Ask where to save, then export in the background."""
    _, _, suggested, file_filter = next(e for e in EXPORTS if e[0] == key)
    work = export_work(key)
    path, _ = QFileDialog.getSaveFileName(window, tr("Export"), suggested, tr(file_filter))
    if not path:
        return

    def done(_result: Any) -> None:
        QMessageBox.information(window, tr("Export"),
                                tr("Saved to {path}.").format(path=path))

    def run(progress: Progress) -> Any:
        progress.report(0, 0, tr("Exporting…"))
        return work(desk, path)

    window.export_task = DeskOp(  # type: ignore[attr-defined]
        window, run).success(done).with_progress(tr("Exporting…")).run_in_background()


def open_import(window: QWidget, desk: Desk, key: str) -> ImportWizard:
    from partnerdesk.ui.import_wizard import open_import_wizard

    wizard = open_import_wizard(window, desk, key)
    window.import_wizard = wizard  # type: ignore[attr-defined]
    return wizard


def open_duplicates(window: QWidget, desk: Desk) -> DuplicatesWindow:
    from partnerdesk.ui.duplicates_window import DuplicatesWindow

    dialog = DuplicatesWindow(desk, window)
    window.duplicates_window = dialog  # type: ignore[attr-defined]
    dialog.show()
    return dialog


def build_import_export_menus(window: QWidget, desk: Desk) -> list[QAction]:
    """[Import ▸, Export ▸, Find duplicates…] for the File menu."""
    import_menu = QMenu(tr("&Import"), window)
    for key, text in IMPORTS:
        action = import_menu.addAction(tr(text))
        action.setObjectName(f"import-{key}")
        action.triggered.connect(lambda _=False, k=key: open_import(window, desk, k))
    export_menu = QMenu(tr("&Export"), window)
    for key, text, *_ in EXPORTS:
        action = export_menu.addAction(tr(text))
        action.setObjectName(f"export-{key}")
        action.triggered.connect(lambda _=False, k=key: export_to(window, desk, k))
    duplicates = QAction(tr("Find &duplicates…"), window)
    duplicates.setObjectName("find-duplicates")
    duplicates.setIcon(icon("duplicates"))
    duplicates.setStatusTip(tr("List contacts and organizations that are probably the same"))
    duplicates.triggered.connect(lambda: open_duplicates(window, desk))
    import_menu.menuAction().setObjectName("import-menu")
    import_menu.setIcon(icon("import"))
    export_menu.setIcon(icon("export"))
    export_menu.menuAction().setObjectName("export-menu")
    return [import_menu.menuAction(), export_menu.menuAction(), duplicates]
