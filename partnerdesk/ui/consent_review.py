"""The people a report for partners leaves out, because they have not agreed to be shared.

The Reports view says how many were left out and offers this list: each person with their
organization; double-click (or Open) shows them in Contacts, and "They agreed" marks the
selected people as shareable, once the person confirms they really were asked.
"""

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.services import Desk
from partnerdesk.ui.errors import show_error

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def left_out_sentence(count: int) -> str:
    """'3 people are left out because they have not agreed to be shared.'"""
    from PySide6.QtCore import QCoreApplication

    if count == 1:
        return QCoreApplication.translate(
            "ConsentReview", "1 person is left out because they have not agreed to be shared.")
    return QCoreApplication.translate(
        "ConsentReview", "{n} people are left out because they have not agreed to be "
                         "shared.").format(n=f"{count:,}")


class ConsentReview(QDialog):
    sig_open_record = Signal(str, str)
    """Show this contact: record type, id."""

    def __init__(self, desk: Desk, people: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(self.tr("People left out of the report"))
        intro = QLabel(left_out_sentence(len(people)) + " " + self.tr(
            "Ask them whether they agree; once they do, choose them and press “They "
            "agreed”. Make the report again to include them."))
        intro.setWordWrap(True)
        self.people = QListWidget()
        self.people.setAccessibleName(self.tr("People left out"))
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        names = desk.organizations.lookup({p.organization_id or "" for p in people}, "name")
        for person in people:
            org = names.get(person.organization_id or "", "")
            item = QListWidgetItem(f"{person.name} — {org}" if org else person.name)
            item.setData(ID_ROLE, person.id)
            self.people.addItem(item)
        if self.people.count():
            self.people.setCurrentRow(0)
        self.people.itemActivated.connect(self._open)
        self.open_button = QPushButton(self.tr("&Open in Contacts"))
        self.open_button.clicked.connect(lambda: self._open(self.people.currentItem()))
        self.agreed_button = QPushButton(self.tr("They &agreed"))
        self.agreed_button.setToolTip(self.tr("Mark the selected people as agreeing to be "
                                              "named in reports and files sent to partners."))
        self.agreed_button.clicked.connect(self.mark_agreed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.agreed_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.people, 1)
        layout.addWidget(buttons)
        self.resize(460, 420)
        self.people.setFocus()

    def chosen_ids(self) -> list[str]:
        return [str(item.data(ID_ROLE)) for item in self.people.selectedItems()]

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.sig_open_record.emit("contact", str(item.data(ID_ROLE)))
            self.accept()

    def mark_agreed(self, _checked: bool = False, *, confirm: bool = True) -> int:
        """Mark the chosen people shareable; returns how many."""
        ids = self.chosen_ids()
        if not ids:
            return 0
        if confirm and QMessageBox.question(
                self, self.tr("They agreed"),
                self.tr("Have these {n} people agreed to be named in reports and files sent "
                        "to partners?").format(n=len(ids)) if len(ids) > 1 else
                self.tr("Has this person agreed to be named in reports and files sent to "
                        "partners?")) != QMessageBox.StandardButton.Yes:
            return 0
        try:  # one step: all of them or, if it fails, none
            self.desk.contacts.update_each({record_id: {"share_ok": True} for record_id in ids})
        except Exception as error:  # shown calmly; the list stays as it was
            show_error(self, error)
            return 0
        for item in list(self.people.selectedItems()):
            self.people.takeItem(self.people.row(item))
        return len(ids)
