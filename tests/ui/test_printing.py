"""File → Print list… and Print record…: printed to a PDF file (as the print dialog offers)
and read back with pdftotext: the paper holds what the screen showed."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from partnerdesk.ui import printing

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed")
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def to_pdf(monkeypatch, tmp_path):
    """The print dialog answered "Print to file": its printers, as it was given them."""
    asked = []

    def answer(parent, printer, title):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / f"printed-{len(asked)}.pdf"))
        asked.append((title, printer.pageLayout().pageSize().id()))
        return True

    monkeypatch.setattr(printing, "ask_printer", answer)
    return tmp_path, asked


def test_print_list_prints_the_filtered_rows(qtbot, desk, make_window, to_pdf):
    folder, asked = to_pdf
    for name in ("Mercy Hospital", "Mercy Clinic", "Riverside Food Bank"):
        desk.organizations.create(name=name, email=f"info@{name.split()[1].lower()}.org")
    desk.settings.page_size = "letter"
    window = make_window(desk)
    window.show_view("organizations")
    view = window.view("organizations")
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(view.filter_box, "Mercy")
    qtbot.waitUntil(lambda: view.table.model().rowCount() == 2)
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    assert asked == [("Print the list of organizations",
                      QPageSize.PageSizeId.Letter)]  # the paper chosen in Preferences
    text = pdf_text(folder / "printed-0.pdf")
    assert "Organizations" in text and "2 shown" in text and "by “Mercy”" in text
    assert "Mercy Hospital" in text and "Mercy Clinic" in text and "info@hospital.org" in text
    assert "Riverside" not in text
    assert "E-mail" in text  # the column headings


def test_print_record_prints_what_the_editor_shows(qtbot, desk, make_window, to_pdf):
    folder, asked = to_pdf
    marcus = desk.contacts.create(name="Marcus Lee", role="Community health worker")
    desk.settings.page_size = "a4"
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    assert view.open_record(marcus.id)
    role = view.editor._field_widgets["role"]
    role.setFocus()
    role.selectAll()
    qtbot.keyClicks(role, "Outreach lead")
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL | SHIFT)
    assert asked[0][1] == QPageSize.PageSizeId.A4
    text = pdf_text(folder / "printed-0.pdf")
    assert "Marcus Lee" in text and "Outreach lead" in text  # as typed, not yet saved
    assert "with changes not saved yet" in text
    assert "Community health worker" not in text
    assert desk.contacts.get(marcus.id).role == "Community health worker"  # nothing saved
    view.editor._set_dirty(False)


def test_print_is_offered_only_where_there_is_a_list(qtbot, desk, make_window, to_pdf):
    _folder, asked = to_pdf
    window = make_window(desk)
    window.show_view("dashboard")
    assert not window.print_action.isEnabled()
    window.show_view("contacts")
    assert window.print_action.isEnabled()
    assert not printing.print_record(window)  # no record open: said so, nothing printed
    assert asked == []
    assert "Open a record first" in window.statusBar().currentMessage()
    assert QApplication.focusWidget() is not None


def test_a_very_long_list_is_asked_about_first(qtbot, desk, make_window, to_pdf,
                                               monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    folder, asked = to_pdf
    monkeypatch.setattr(printing, "LONG_LIST", 30)
    for number in range(40):
        desk.contacts.create(name=f"Person {number:03d}")
    window = make_window(desk)
    window.show_view("contacts")
    view = window.view("contacts")
    qtbot.waitUntil(lambda: view.table.model().rowCount() == 40)
    questions = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: questions.append(a[2]) or QMessageBox.StandardButton.No))
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    assert questions and "40 rows" in questions[0] and "filter" in questions[0]
    assert asked == []  # No: nothing printed
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Yes))
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    text = pdf_text(folder / "printed-0.pdf")
    assert "Person 000" in text and "Person 039" in text
