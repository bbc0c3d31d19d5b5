"""The Reports view: choose a report and its options, make it, preview it, save, open or
print it.

ReportLab holds the interpreter lock while it lays out pages, so the PDF is made in a
separate process (`desk.reports.build_pdf`) watched from a background thread (`DeskOp`,
off the database worker: the process reads the database itself); the window keeps
responding and Cancel ends the process.

The preview and printing draw the pages with PDFium (`pypdfium2`, a small wheel) rather
than QtPdf: QtPdf ships only in PySide6-Addons, a far larger download.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.progress import Progress
from partnerdesk.services.reporting import KINDS, ReportOptions, report_kind
from partnerdesk.ui import theme
from partnerdesk.ui.consent_review import ID_ROLE, ConsentReview, left_out_sentence
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.icons import icon
from partnerdesk.ui.tasks import DeskOp, Task
from partnerdesk.ui.widgets.dates import DateEdit, show_date

PREVIEW_SCALE = 1.2


def pdf_page_images(data: bytes, scale: float) -> list[QImage]:
    """Every page of a PDF as an image (for the preview and for printing)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    images = []
    try:
        for index in range(len(document)):
            bitmap = document[index].render(scale=scale, rev_byteorder=True)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888 if bitmap.n_channels == 3
                           else QImage.Format.Format_RGBA8888)
            images.append(image.copy())
    finally:
        document.close()
    return images


class ReportsView(QWidget):
    sig_report_ready = Signal(bytes)
    """A report was made; its PDF bytes."""
    sig_left_out_known = Signal(int)
    """How many people the report made leaves out (not agreed to be shared)."""
    sig_open_record = Signal(str, str)
    """Show a record (a person left out): record type, id."""

    LABELS = {"partnership": QT_TRANSLATE_NOOP("ReportsView", "Partnership report"),
              "agreements": QT_TRANSLATE_NOOP("ReportsView", "Agreements register"),
              "resources": QT_TRANSLATE_NOOP("ReportsView", "Resource map"),
              "directory": QT_TRANSLATE_NOOP("ReportsView", "Contact directory"),
              "minutes": QT_TRANSLATE_NOOP("ReportsView", "Meeting minutes"),
              "funding": QT_TRANSLATE_NOOP("ReportsView", "Funding register")}

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.pdf: bytes | None = None
        self.task: Task | None = None
        self.kind = QComboBox()
        for key in KINDS:  # the services' list of reports, in their order
            self.kind.addItem(self.tr(self.LABELS[key]), key)
        self.partnership = QComboBox()
        self.meeting = QComboBox()
        self.use_period = QCheckBox(self.tr("Only this period"))
        today = date.today()
        self.start = DateEdit(today.replace(year=today.year - 1, day=min(today.day, 28)),
                              optional=False)
        self.end = DateEdit(today, optional=False)
        self.start.setAccessibleName(self.tr("Period starts"))
        self.end.setAccessibleName(self.tr("Period ends"))
        self.include_internal = QCheckBox(self.tr("Include contacts not cleared for sharing "
                                                  "and internal amounts (internal use only)"))
        self.page = QComboBox()
        self.page.addItem(self.tr("US Letter"), "letter")
        self.page.addItem(self.tr("A4"), "a4")
        self.page.setCurrentIndex(self.page.findData(desk.reports.page_size()))

        form = QFormLayout()
        # the choices as wide as what they hold, not stretched across the whole screen
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("Report"), self.kind)
        form.addRow(self.tr("Partnership"), self.partnership)
        form.addRow(self.tr("Meeting"), self.meeting)
        period = QHBoxLayout()
        period.addWidget(self.use_period)
        period.addWidget(self.start)
        period.addWidget(QLabel(self.tr("to")))
        period.addWidget(self.end)
        period.addStretch()
        form.addRow(self.tr("Period"), period)
        form.addRow("", self.include_internal)
        form.addRow(self.tr("Paper"), self.page)

        self.make_button = QPushButton(self.tr("Make report"))
        self.save_button = QPushButton(self.tr("Save as…"))
        self.open_button = QPushButton(self.tr("Open in viewer"))
        self.print_button = QPushButton(self.tr("Print…"))
        self.email_button = QPushButton(self.tr("Send by e-&mail…"))
        self.email_button.setToolTip(self.tr("Open your mail program with the report "
                                             "attached"))
        for button, key in ((self.make_button, "make_report"), (self.save_button, "save"),
                            (self.open_button, "open_file"), (self.print_button, "print"),
                            (self.email_button, "email")):
            button.setIcon(icon(key))
        buttons = QHBoxLayout()
        for button in (self.make_button, self.save_button, self.open_button,
                       self.print_button, self.email_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.status = QLabel(self.tr("Choose a report and press Make report."))
        self.status.setWordWrap(True)
        self.left_out: list[Any] = []  # people the report leaves out: not agreed to sharing
        self.made_with: ReportOptions | None = None  # the options of the report shown
        self.left_out_note = QLabel()
        self.left_out_note.setObjectName("left_out_note")
        self.left_out_note.setWordWrap(True)
        self.left_out_note.setTextFormat(Qt.TextFormat.RichText)
        theme.set_tone(self.left_out_note, "warning")
        self.left_out_note.linkActivated.connect(lambda _link: self.review_left_out())
        self.left_out_note.setVisible(False)
        self.review_button = QPushButton(self.tr("Re&view them…"))
        self.review_button.setToolTip(self.tr("See who was left out and ask them"))
        self.review_button.clicked.connect(self.review_left_out)
        self.review_button.setVisible(False)
        note_row = QHBoxLayout()
        note_row.addWidget(self.left_out_note, 1)
        note_row.addWidget(self.review_button)

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        waiting = QLabel(self.tr("The pages of the report appear here, as they will print."))
        waiting.setStyleSheet("color: palette(placeholder-text);")
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages_layout.addWidget(waiting, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addLayout(note_row)
        layout.addWidget(self.scroll, 1)

        self.kind.currentIndexChanged.connect(self._update_fields)
        self.use_period.toggled.connect(self._update_fields)
        self.make_button.clicked.connect(self.make_report)
        self.save_button.clicked.connect(self.save_as)
        self.open_button.clicked.connect(self.open_in_viewer)
        self.print_button.clicked.connect(self.print_report)
        self.email_button.clicked.connect(self.send_by_email)
        self.reload_choices()
        self._update_fields()
        self._set_have_pdf(False)
        desk.reports.warm_up()  # a person who opens Reports is about to make one

    # -- choices ------------------------------------------------------------------
    def settings_changed(self, key: str) -> None:
        """Preferences changed: a new paper size is the one the next report is made on."""
        if key == "page_size":
            self.page.setCurrentIndex(self.page.findData(self.desk.reports.page_size()))
        elif key == "our_organization":
            self.reload_choices()

    def reload_choices(self) -> None:
        self.partnership.clear()
        for ship in self.desk.partnerships.list():
            self.partnership.addItem(ship.title, ship.id)
        self.meeting.clear()
        for meeting in self.desk.meetings.list(order_by="starts_at", descending=True,
                                               limit=200):
            self.meeting.addItem(f"{show_date(meeting.starts_at.date())} · {meeting.title}",
                                 meeting.id)

    def _update_fields(self) -> None:
        """Offer the options the chosen kind of report takes (the services say which)."""
        kind = report_kind(self.kind.currentData())
        self.partnership.setEnabled(kind.partnership)
        self.meeting.setEnabled(kind.meeting)
        self.use_period.setEnabled(kind.period)
        for edit in (self.start, self.end):
            edit.setEnabled(kind.period and self.use_period.isChecked())
        self.include_internal.setEnabled(kind.internal)

    def options(self) -> ReportOptions:
        kind = report_kind(self.kind.currentData())
        periodic = kind.period and self.use_period.isChecked()

        def day(edit: DateEdit) -> date:
            return edit.value() or date.today()

        return ReportOptions(
            kind=kind.key,
            partnership=self.partnership.currentData() if kind.partnership else None,
            meeting=self.meeting.currentData() if kind.meeting else None,
            start=day(self.start) if periodic else None,
            end=day(self.end) if periodic else None,
            include_internal=kind.internal and self.include_internal.isChecked(),
            page_size=self.page.currentData())

    # -- making it ----------------------------------------------------------------
    def make_report(self) -> None:
        for widget in (self.left_out_note, self.review_button):
            widget.setVisible(False)
        if self.use_period.isChecked() and self.start.isEnabled():
            for edit in (self.start, self.end):
                if edit.problem():
                    self.status.setText(edit.problem())
                    edit.setFocus()
                    return
                edit.commit()
        options, reports = self.options(), self.desk.reports
        self.made_with = options
        self.make_button.setEnabled(False)
        self.status.setText(self.tr("Making the report…"))

        def work(progress: Progress) -> tuple[bytes, list[QImage]]:
            pdf = reports.build_pdf(options, progress)
            return pdf, pdf_page_images(pdf, PREVIEW_SCALE)  # drawn here, not on the UI

        self.task = (DeskOp(self, work).success(self._show_pdf).failure(self._failed)
                     .with_progress(self.tr("Making the report…")).without_database()
                     .run_in_background())

    def _failed(self, error: BaseException) -> None:
        self.make_button.setEnabled(True)
        self.status.setText(self.tr("No report was made."))
        from partnerdesk.services.progress import Cancelled

        if not isinstance(error, Cancelled):
            show_error(self, error)

    def _show_pdf(self, made: tuple[bytes, list[QImage]]) -> None:
        self.make_button.setEnabled(True)
        self.pdf, images = bytes(made[0]), made[1]
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for image in images:
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid #999; background: white;")
            self.pages_layout.addWidget(page)
        if len(images) == 1:
            self.status.setText(self.tr("The report is ready: 1 page. Save it, open it or "
                                        "print it."))
        else:
            self.status.setText(self.tr("The report is ready: {count} pages. Save it, open it "
                                        "or print it.").format(count=len(images)))
        self._set_have_pdf(True)
        self.sig_report_ready.emit(self.pdf)
        options, reports = self.made_with, self.desk.reports
        if options is not None:
            DeskOp(self, lambda _progress: reports.left_out(options)).success(
                self._show_left_out).failure(lambda _error: None).run_in_background()

    def _show_left_out(self, people: Any) -> None:
        """'3 people are left out because they have not agreed to be shared', with a way
        to review them."""
        self.left_out = list(people)
        self.left_out_note.setText(left_out_sentence(len(self.left_out)))
        for widget in (self.left_out_note, self.review_button):
            widget.setVisible(bool(self.left_out))
        self.sig_left_out_known.emit(len(self.left_out))

    def review_left_out(self) -> None:
        dialog = ConsentReview(self.desk, self.left_out, self)
        dialog.sig_open_record.connect(self.sig_open_record)
        dialog.exec()
        self.left_out = [p for p in self.left_out
                         if p.id in {str(dialog.people.item(i).data(ID_ROLE))
                                     for i in range(dialog.people.count())}]
        if not self.left_out:
            self.left_out_note.setText(self.tr("Everyone is now agreed: make the report again "
                                               "to include them."))
            self.review_button.setVisible(False)
        else:
            self.left_out_note.setText(left_out_sentence(len(self.left_out)))
        dialog.deleteLater()

    def _set_have_pdf(self, have: bool) -> None:
        for button in (self.save_button, self.open_button, self.print_button,
                       self.email_button):
            button.setEnabled(have)

    def suggested_name(self) -> str:
        options = self.options()
        label = self.kind.currentText().lower().replace(" ", "-")
        if options.kind == "partnership" and self.partnership.currentText():
            label += "-" + "".join(ch for ch in self.partnership.currentText().lower()
                                   if ch.isalnum() or ch == " ").replace(" ", "-")
        return f"{label}-{date.today().isoformat()}.pdf"

    # -- using it -----------------------------------------------------------------
    def save_as(self) -> Path | None:
        if self.pdf is None:
            return None
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save report"),
                                              str(Path.home() / self.suggested_name()),
                                              self.tr("PDF files (*.pdf)"))
        if not name:
            return None
        target = Path(name if name.lower().endswith(".pdf") else name + ".pdf")
        try:
            self.desk.reports.save_pdf(self.pdf, target, self.kind.currentData())
        except (OSError, PartnerDeskError) as error:
            show_error(self, error)
            return None
        self.status.setText(self.tr("Saved to {path}.").format(path=target))
        return target

    def _write_to_reports_folder(self) -> Path:
        """The report shown, as a file in the reports folder beside the database."""
        assert self.pdf is not None
        folder = self.desk.path.parent / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.suggested_name()
        target.write_bytes(self.pdf)
        return target

    def send_by_email(self) -> Path | None:
        """The report as a file, handed to the mail program (ui/mail.py)."""
        if self.pdf is None:
            return None
        from partnerdesk.ui.mail import send_file

        try:
            target = self._write_to_reports_folder()
        except OSError as error:
            show_error(self, error)
            return None
        title = self.kind.currentText()
        send_file(self, target, title, self.tr("Please find attached: {title} ({name}).")
                  .format(title=title, name=target.name))
        self.status.setText(self.tr("Opening your mail program with {name} attached…")
                            .format(name=target.name))
        return target

    def open_in_viewer(self) -> Path | None:
        """Write the PDF to the data folder's reports folder and open it there."""
        if self.pdf is None:
            return None
        target = self._write_to_reports_folder()
        folder = target.parent
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self.status.setText(self.tr("Opened {path}.").format(path=target))
            return target
        # No program for PDF files is set up: say so, and show where the file is.
        shown = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        self.status.setText(self.tr(
            "This computer has no program set up to open PDF files, so the report could not "
            "be opened. It is saved at {path}{shown}. Install a PDF viewer, or use Save as… "
            "or Print….").format(path=target, shown=self.tr(" (its folder is open)")
                                 if shown else ""))
        QMessageBox.information(self, self.tr("No PDF viewer"), self.status.text())
        return target

    def print_report(self) -> bool:
        if self.pdf is None:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        self.print_to(printer)
        return True

    def print_to(self, printer: QPrinter) -> int:
        """Draw every page into the printer at its resolution; returns the pages sent."""
        assert self.pdf is not None
        images = pdf_page_images(self.pdf, max(printer.resolution(), 72) / 72)
        painter = QPainter()
        if not painter.begin(printer):
            show_error(self, OSError("The printer could not be opened."))
            return 0
        try:
            for index, image in enumerate(images):
                if index:
                    printer.newPage()
                area = painter.viewport()
                scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(area.x(), area.y(), scaled.width(), scaled.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(area)
        finally:
            painter.end()
        return len(images)


if __name__ == "__main__":
    import sys
    import tempfile

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    sample = Desk.open(Path(tempfile.mkdtemp()) / "sample.db")
    sample.load_sample_data()
    view = ReportsView(sample)
    view.resize(900, 800)
    view.show()
    sys.exit(app.exec())
