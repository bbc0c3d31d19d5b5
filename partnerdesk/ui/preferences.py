"""Edit → Preferences…: the choices a person makes once, each taking effect at once.

Every field is built from the setting's own definition in `services.settings` (its
description is the field's tooltip, its check refuses a bad value with its own sentence,
its bounds are the spin box's range), so there is one place for each setting's rule;
this dialog only shows them. Which organization is ours is the organization record's
`is_us` (only one can be, `OrganizationService`), and the backups folder is the backups
service's (`Backups.set_folder`, which tries the folder first).

There is no OK: a change is stored as it is made and `sig_changed` tells the window,
which shows it everywhere (`apply_change`). A refused value is named under the form and
nothing is stored.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import settings as s
from partnerdesk.ui import theme

if TYPE_CHECKING:
    from partnerdesk.services import Desk
    from partnerdesk.ui.main_window import MainWindow

# Keys sent by sig_changed besides the settings' own: which organization is ours, backups.
OURS = "our_organization"
BACKUPS = "backups_folder"


def region_name(code: str) -> str:
    """ "United States" for "US", from Qt's own list of territories (the code if unknown)."""
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return code
    return QLocale.territoryToString(territory)


class PreferencesDialog(QDialog):
    sig_changed = Signal(str)
    """A preference was stored: the setting's key, `OURS` or `BACKUPS`."""

    def __init__(self, desk: "Desk", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(self.tr("Preferences"))
        self.setObjectName("preferences")
        self._filling = True

        self.ours = QComboBox()
        self.ours.setAccessibleName(self.tr("Our organization"))
        self.ours.setToolTip(self.tr("The organization whose name and logo head every "
                                     "report: yours."))
        # On an office database each person logs in as themselves: the login names them.
        self.on_server = desk.store.address is not None
        self.your_name = QLineEdit()
        self._describe(self.your_name, self.tr("Your name"), s.YOUR_NAME)
        self.your_name.setPlaceholderText(self.tr("e.g. Ana Ruiz"))
        self.region = QComboBox()
        self._describe(self.region, self.tr("Phone region"), s.PHONE_REGION)
        self.date_format = QComboBox()
        self._describe(self.date_format, self.tr("Date format"), s.DATE_FORMAT)
        self.horizon = QSpinBox()
        self._describe(self.horizon, self.tr("Reminder horizon"), s.DUE_DAYS)
        low, high = s.bounds(s.DUE_DAYS) or (0, 730)
        self.horizon.setRange(low, high)
        self.horizon.setSuffix(self.tr(" days"))
        self.page_size = QComboBox()
        self._describe(self.page_size, self.tr("Report paper size"), s.PAGE_SIZE)
        self.currency = QComboBox()
        self._describe(self.currency, self.tr("Funding currency"), s.CURRENCY)
        self.backups = QLineEdit()
        self.backups.setReadOnly(True)
        self.backups.setMinimumWidth(self.backups.fontMetrics().averageCharWidth() * 48)
        self.backups.setAccessibleName(self.tr("Backups folder"))
        self.backups.setToolTip(self.tr("Where the automatic backups of this database go."))
        self.choose_backups = QPushButton(self.tr("C&hoose…"))
        self.choose_backups.setAccessibleName(self.tr("Choose the backups folder"))
        self.choose_backups.clicked.connect(self.choose_backups_folder)
        self.default_backups = QPushButton(self.tr("&Use the default"))
        self.default_backups.setAccessibleName(self.tr("Keep backups beside the database"))
        self.default_backups.setToolTip(self.tr("Keep backups in a folder beside the "
                                                "database file."))
        self.default_backups.clicked.connect(lambda: self.set_backups_folder(None))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("preferences_problem")
        theme.set_tone(self.problem, "danger")
        self.problem.hide()

        backups_row = QHBoxLayout()
        backups_row.addWidget(self.backups, 1)
        backups_row.addWidget(self.choose_backups)
        backups_row.addWidget(self.default_backups)
        form = QFormLayout()
        form.addRow(self.tr("&Our organization:"), self.ours)
        if not self.on_server:
            form.addRow(self.tr("&Your name:"), self.your_name)
        form.addRow(self.tr("&Phone region:"), self.region)
        form.addRow(self.tr("&Date format:"), self.date_format)
        form.addRow(self.tr("&Reminder horizon:"), self.horizon)
        form.addRow(self.tr("Report paper si&ze:"), self.page_size)
        form.addRow(self.tr("Funding &currency:"), self.currency)
        backups_label = QLabel(self.tr("&Backups folder:"))
        backups_label.setBuddy(self.choose_backups)  # Alt+B: the folder is chosen, not typed
        form.addRow(backups_label, backups_row)
        hint = QLabel(self.tr("Changes take effect at once."))
        theme.set_text_role(hint, "small")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(hint)
        layout.addWidget(buttons)

        self.fill()
        self.ours.currentIndexChanged.connect(self._ours_chosen)
        self.region.currentIndexChanged.connect(
            lambda: self._store(s.PHONE_REGION, self.region.currentData()))
        self.date_format.currentIndexChanged.connect(
            lambda: self._store(s.DATE_FORMAT, self.date_format.currentData()))
        self.horizon.valueChanged.connect(lambda value: self._store(s.DUE_DAYS, value))
        self.your_name.editingFinished.connect(self._name_typed)
        self.page_size.currentIndexChanged.connect(
            lambda: self._store(s.PAGE_SIZE, self.page_size.currentData()))
        self.currency.currentIndexChanged.connect(
            lambda: self._store(s.CURRENCY, self.currency.currentData()))

    def _describe(self, widget: QWidget, name: str, definition: s.Definition) -> None:
        widget.setAccessibleName(name)
        description = definition.description
        widget.setToolTip(description[:1].upper() + description[1:] + ".")

    # -- showing what is stored ----------------------------------------------------------
    def fill(self) -> None:
        """Every field from the database (again after a refused change)."""
        self._filling = True
        try:
            settings = self.desk.settings
            self.ours.clear()
            ours = self.desk.organizations.ours()
            if ours is None:
                self.ours.addItem(self.tr("(none chosen yet)"), "")
            for row in self.desk.organizations.list(order_by="name"):
                self.ours.addItem(row.name, row.id)
            self.ours.setCurrentIndex(max(0, self.ours.findData(ours.id if ours else "")))

            self.your_name.setText(settings.your_name)
            self.region.clear()
            import phonenumbers

            codes = sorted(phonenumbers.SUPPORTED_REGIONS, key=region_name)
            for code in codes:
                self.region.addItem(f"{region_name(code)} ({code})", code)
            self.region.setCurrentIndex(self.region.findData(settings.phone_region))

            from partnerdesk.services.dates import FORMATS, SYSTEM, format_date, system_pattern

            example = _example_day()
            self.date_format.clear()
            self.date_format.addItem(self.tr("As this computer shows dates ({example})").format(
                example=QLocale().toString(example, system_pattern())), SYSTEM)
            for pattern, _sample in FORMATS:
                self.date_format.addItem(format_date(example.toPython(), pattern), pattern)
            self.date_format.setCurrentIndex(
                max(0, self.date_format.findData(settings.date_format)))

            self.horizon.setValue(settings.due_days)
            self.page_size.clear()
            self.page_size.addItem(self.tr("US Letter"), "letter")
            self.page_size.addItem(self.tr("A4"), "a4")
            self.page_size.setCurrentIndex(self.page_size.findData(settings.page_size))
            self.currency.clear()
            for code, name in currency_choices(settings.currency):
                self.currency.addItem(f"{name} ({code})", code)
            self.currency.setCurrentIndex(max(0, self.currency.findData(settings.currency)))
            self._show_backups_folder()
        finally:
            self._filling = False

    def _show_backups_folder(self) -> None:
        folder = str(self._backups().folder())
        self.backups.setText(folder)
        self.backups.setToolTip(self.tr("Backups of this database go to {folder}").format(
            folder=folder))
        self.backups.setCursorPosition(0)

    def _backups(self) -> Any:
        from partnerdesk.services.backups import Backups

        return Backups.of(self.desk)

    # -- storing a change ----------------------------------------------------------------
    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _store(self, definition: s.Definition, value: Any) -> bool:
        if self._filling:
            return False
        try:
            self.desk.settings.set(definition, value)
        except PartnerDeskError as error:
            self._show_problem(str(error))
            self.fill()
            return False
        self._show_problem("")
        self.sig_changed.emit(definition.key)
        return True

    def _name_typed(self) -> None:
        typed = self.your_name.text()
        if " ".join(typed.split()) == self.desk.settings.your_name:
            return
        if self._store(s.YOUR_NAME, typed):
            from partnerdesk.ui.welcome import remember_name

            # offered on the next welcome, as the name typed there is
            remember_name(self.desk.settings.your_name, getattr(self.parent(), "settings", None))

    def _ours_chosen(self) -> None:
        organization_id = self.ours.currentData()
        if self._filling or not organization_id:
            return
        try:
            self.desk.organizations.update(organization_id, is_us=True)
        except PartnerDeskError as error:
            self._show_problem(str(error))
            self.fill()
            return
        self._show_problem("")
        self.fill()  # "(none chosen yet)" goes
        self.sig_changed.emit(OURS)

    def choose_backups_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Backups folder"),
                                                  self.backups.text())
        if chosen:
            self.set_backups_folder(Path(chosen))

    def set_backups_folder(self, folder: Path | None) -> bool:
        try:
            self._backups().set_folder(folder)
        except PartnerDeskError as error:
            self._show_problem(str(error))
            return False
        self._show_problem("")
        self._show_backups_folder()
        self.sig_changed.emit(BACKUPS)
        return True


def currency_choices(keep: str = "") -> list[tuple[str, str]]:
    """(code, English name) of each currency some country uses today, by name ("Euro",
    EUR), from Babel's tables; `keep` (the one chosen, maybe an old one) is always there."""
    from babel import Locale
    from babel.numbers import get_currency_name, get_territory_currencies

    codes = {code for territory in Locale("en").territories
             for code in get_territory_currencies(territory)}
    codes |= {keep} if keep else set()
    return sorted(((code, str(get_currency_name(code, locale="en"))) for code in codes),
                  key=lambda pair: pair[1].casefold())


def _example_day() -> Any:
    from PySide6.QtCore import QDate

    return QDate(2027, 2, 15)  # a day past the 12th: day and month cannot be confused


# -- the window's side ---------------------------------------------------------------------
def show_preferences(window: "MainWindow") -> PreferencesDialog | None:
    if window.desk is None:
        return None
    dialog = PreferencesDialog(window.desk, window)
    dialog.sig_changed.connect(lambda key: apply_change(window, key))
    window.preferences_dialog = dialog  # type: ignore[attr-defined]
    dialog.open()  # window-modal, and a test can work with it while it is shown
    return dialog


def apply_change(window: "MainWindow", key: str) -> None:
    """Show a stored preference everywhere: dates are written again in the new format,
    the dashboard looks as far ahead as asked, the Reports screen prints on the paper,
    funding amounts are shown in the currency."""
    if window.desk is None:
        return
    if key == s.DATE_FORMAT.key:
        from partnerdesk.ui.widgets.dates import use_date_format

        use_date_format(window.desk)
    for view in window.views.values():
        if key == s.CURRENCY.key:  # the funding editor's labels name the currency
            follow_currency = getattr(getattr(view, "editor", None), "follow_currency", None)
            if callable(follow_currency):
                follow_currency()
        follow = getattr(view, "settings_changed", None)
        if callable(follow):
            follow(key)
            continue
        for name in ("reload", "refresh"):
            method = getattr(view, name, None)
            if callable(method) and key in (s.DATE_FORMAT.key, s.DUE_DAYS.key, OURS,
                                            s.CURRENCY.key):
                method()
                break
    window.statusBar().showMessage(window.tr("Preferences saved."), 4000)
