"""Getting started: on a dashboard with nothing in it yet, the three first steps, each a
button that does it (add your partners, import contacts, record an agreement).

The panel shows while the database holds no record but our own organization (the
welcome dialog makes that one), and goes away by itself once the first record is saved:
the dashboard refreshes on every change. The panel only asks; the window does the work
(`connect_getting_started`), through the same screens and wizard as its menus.
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.ui import theme
from partnerdesk.ui.icons import icon, screen_icon

if TYPE_CHECKING:
    from partnerdesk.services import Desk
    from partnerdesk.ui.main_window import MainWindow

# Counts (keys of `desk.stats()`) that make a database "not empty"; attachments alone do not.
COUNTED = ("organizations", "contacts", "partnerships", "agreements", "resources", "needs",
           "referral_pathways", "meetings", "action_items", "events", "feedback")


def is_empty(desk: "Desk", stats: dict[str, int] | None = None) -> bool:
    """Nothing recorded yet but our own organization."""
    stats = stats if stats is not None else desk.stats()
    ours = 1 if desk.organizations.ours() is not None else 0
    return sum(stats.get(key, 0) for key in COUNTED) - ours <= 0


class GettingStartedPanel(QGroupBox):
    sig_step = Signal(str)
    """A step was chosen: "partners", "import-csv-contact", "import-vcard" or "agreement"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Getting started"), parent)
        self.setObjectName("getting_started")
        self._steps: list[tuple[QPushButton, QLabel]] = []
        intro = QLabel(self.tr("Your database is empty. Three steps make it useful:"))
        intro.setWordWrap(True)
        self.partners_button = self._step(
            self.tr("&Add your partners"), screen_icon("organizations"),
            self.tr("Record an organization you work with: a hospital, a clinic, a food "
                    "bank."), "partners")
        self.import_button = self._step(
            self.tr("&Import contacts"), icon("import"),
            self.tr("Bring in the people you already have in a spreadsheet or an address "
                    "book."), None)
        menu = QMenu(self.import_button)
        spreadsheet = menu.addAction(self.tr("From a spreadsheet (CSV)…"))
        spreadsheet.triggered.connect(lambda: self.sig_step.emit("import-csv-contact"))
        address_book = menu.addAction(self.tr("From an address book (vCard)…"))
        address_book.triggered.connect(lambda: self.sig_step.emit("import-vcard"))
        self.import_button.setMenu(menu)
        self.agreement_button = self._step(
            self.tr("&Record an agreement"), screen_icon("agreements"),
            self.tr("Write down an MOU or a data-sharing agreement, with its dates."),
            "agreement")
        layout = QVBoxLayout(self)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(intro)
        for button, explanation in self._steps:
            layout.addWidget(button)
            layout.addWidget(explanation)
        self.setFocusProxy(self.partners_button)

    def _step(self, text: str, step_icon: object, explanation: str,
              step: str | None) -> QPushButton:
        button = QPushButton(step_icon, text)  # type: ignore[call-overload]
        button.setAccessibleName(text.replace("&", ""))
        button.setAccessibleDescription(explanation)
        button.setToolTip(explanation)
        button.setSizePolicy(button.sizePolicy().horizontalPolicy().Maximum,
                             button.sizePolicy().verticalPolicy())
        if step is not None:
            button.clicked.connect(lambda: self.sig_step.emit(step))
        label = QLabel(explanation)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        theme.set_text_role(label, "small")
        label.setIndent(theme.SPACING * 2)
        self._steps.append((button, label))
        return button


def connect_getting_started(window: "MainWindow", panel: GettingStartedPanel) -> None:
    """The window carries out a step: the screen's New, or the import wizard."""
    def do(step: str) -> None:
        if step == "partners":
            _new_on(window, "organizations")
        elif step == "agreement":
            _new_on(window, "agreements")
        elif step.startswith("import-") and window.desk is not None:
            from partnerdesk.ui.interchange_menu import open_import

            open_import(window, window.desk, step.removeprefix("import-"))

    panel.sig_step.connect(do)


def _new_on(window: "MainWindow", key: str) -> None:
    if window.show_view(key):
        view = window.current_view()
        if view is not None and hasattr(view, "new_record"):
            view.new_record()
