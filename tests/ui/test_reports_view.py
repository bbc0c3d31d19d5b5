"""The Reports view: a report made in a worker process, previewed, saved and printed."""

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from partnerdesk.services import Desk
from partnerdesk.ui import reports_view
from partnerdesk.ui.reports_view import ReportsView


@pytest.fixture
def view(demo_desk: Desk, qtbot: QtBot) -> ReportsView:
    widget = ReportsView(demo_desk)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    return widget


def test_make_preview_save_and_print(view: ReportsView, qtbot: QtBot, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    view.kind.setCurrentIndex(view.kind.findData("agreements"))
    assert not view.partnership.isEnabled() and not view.save_button.isEnabled()
    with qtbot.waitSignal(view.sig_report_ready, timeout=60000):
        qtbot.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
    assert view.pdf is not None and view.pdf.startswith(b"%PDF")
    assert view.pages_layout.count() >= 1
    assert view.save_button.isEnabled() and view.print_button.isEnabled()
    view.grab().save(str(tmp_path / "reports-view.png"))

    target = tmp_path / "register.pdf"
    monkeypatch.setattr(reports_view.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF files (*.pdf)"))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    reader = PdfReader(target)
    assert "Agreements register" in reader.pages[0].extract_text()

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert view.print_to(printer) == len(reader.pages)
    assert len(PdfReader(printed).pages) == len(reader.pages)


def test_a_problem_is_shown_not_raised(view: ReportsView, qtbot: QtBot,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(reports_view, "show_error",
                        lambda parent, error: shown.append(str(error)))
    view.kind.setCurrentIndex(view.kind.findData("partnership"))
    view.partnership.setCurrentIndex(view.partnership.findText("Food as Medicine"))
    view.use_period.setChecked(True)
    view.start.set_value(date(2001, 1, 1))
    view.end.set_value(date(2001, 12, 31))
    qtbot.mouseClick(view.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=60000)
    assert "Nothing is recorded" in shown[0]
    assert view.pdf is None and not view.save_button.isEnabled()
    assert view.make_button.isEnabled()


def test_the_period_is_offered_for_the_reports_the_services_say_cover_one(
        view: ReportsView) -> None:
    from partnerdesk.services.reporting import KINDS, covers_period

    assert [view.kind.itemData(i) for i in range(view.kind.count())] == list(KINDS)
    view.use_period.setChecked(True)
    for key in KINDS:
        view.kind.setCurrentIndex(view.kind.findData(key))
        assert view.use_period.isEnabled() == view.start.isEnabled() == covers_period(key)
        options = view.options()
        assert (options.start is not None) == covers_period(key)
    assert {key for key in KINDS if covers_period(key)} == {"partnership", "agreements",
                                                           "funding"}


def test_opening_reports_gets_the_report_process_ready(view: ReportsView) -> None:
    from partnerdesk.reports import worker

    worker._worker.stop()
    ReportsView(view.desk).deleteLater()
    child = worker._worker._child
    assert child is not None and child.is_alive()  # its imports begin before the click
