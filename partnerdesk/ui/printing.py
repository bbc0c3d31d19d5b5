"""File → Print list… and Print record…: what a list shows (its filter and its order), or
the record open beside it, on paper, through the system's print dialog.

What is printed is what the screen shows, read from the screen's own widgets (the list's
model, the editor's fields as they are, unsaved typing included), so the paper never
says something the person did not see. The page is the paper size chosen in
Preferences; the dialog can change it, or print to a PDF file. The text goes through a
QTextDocument, which lays tables out over pages with their header repeated.
"""

from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QMarginsF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from partnerdesk.ui.main_window import MainWindow

LONG_LIST = 1000  # rows; more is asked about first (about 25 pages)
ROWS_PER_PAGE = 40
PAGES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Printing", text)


# -- what is on screen, as text ------------------------------------------------------------
def shown_text(widget: QWidget) -> str:
    """What a field shows, the way a person reads it."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return _tr("Yes") if widget.isChecked() else _tr("No")
    if isinstance(widget, QLabel):
        return widget.text()
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        lines = []
        for row in range(model.rowCount()):
            cells = [str(model.index(row, column).data() or "")
                     for column in range(model.columnCount())
                     if not (hasattr(widget, "isColumnHidden") and widget.isColumnHidden(column))]
            line = " · ".join(cell for cell in cells if cell)
            if line:
                lines.append(line)
        return "\n".join(lines)
    # a compound field (phones, addresses): its parts in the order they are laid out
    parts = [shown_text(child) for child in widget.findChildren(QWidget)
             if child.parentWidget() is widget and child.isVisibleTo(widget)
             and not isinstance(child, QAbstractButton | QLabel)]
    return "\n".join(part for part in parts if part)


def _html_lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())


def _heading(title: str, subtitle: str) -> str:
    return f"<h2>{escape(title)}</h2><p><i>{escape(subtitle)}</i></p>"


def list_html(view: Any, today: date | None = None) -> str:
    """The rows the list shows (all of them, filtered and sorted as on screen)."""
    model = view.table.model()
    columns = [c for c in range(model.columnCount()) if not view.table.isColumnHidden(c)]
    header = "".join(
        f"<th align='left'>{escape(str(model.headerData(c, Qt.Orientation.Horizontal)))}</th>"
        for c in columns)
    rows = []
    for row in range(model.rowCount()):
        cells = "".join(f"<td>{escape(str(model.index(row, c).data() or ''))}</td>"
                        for c in columns)
        rows.append(f"<tr>{cells}</tr>")
    filter_text = view.filter_box.text().strip()
    count = model.rowCount()
    subtitle = _tr("{n} shown").format(n=f"{count:,}")
    if filter_text:
        subtitle += " · " + _tr("filtered by “{text}”").format(text=filter_text)
    subtitle += " · " + _tr("printed {day}").format(day=_day(today))
    return (_heading(view.spec.title, subtitle)
            + "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def record_html(view: Any, today: date | None = None) -> str:
    """The open record, field by field, as its editor shows it now."""
    editor = view.editor
    rows = []
    for widget in editor._field_widgets.values():
        if not widget.isVisibleTo(editor):
            continue
        text = shown_text(widget).strip()
        label = widget.accessibleName()
        rows.append(f"<tr><td valign='top' width='30%'><b>{escape(label)}</b></td>"
                    f"<td>{_html_lines(text) if text else '—'}</td></tr>")
    first = next(iter(editor._field_widgets.values()), None)
    title = shown_text(first).strip() if first is not None else ""
    subtitle = view.spec.singular[:1].upper() + view.spec.singular[1:]
    if editor.is_dirty():
        subtitle += " · " + _tr("with changes not saved yet")
    subtitle += " · " + _tr("printed {day}").format(day=_day(today))
    return (_heading(title or view.spec.singular, subtitle)
            + "<table cellspacing='0' cellpadding='4' width='100%'>" + "".join(rows)
            + "</table>")


def _day(today: date | None) -> str:
    from partnerdesk.ui.widgets.dates import show_date

    return show_date(today or date.today())


# -- the printer -----------------------------------------------------------------------------
def make_printer(page_size: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(PAGES.get(page_size, QPageSize.PageSizeId.A4)))
    printer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    return printer


def ask_printer(parent: QWidget, printer: QPrinter, title: str) -> bool:
    """The system's print dialog (printer, pages, copies, or a PDF file). False: cancelled."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_html(html: str, printer: QPrinter) -> None:
    document = QTextDocument()
    document.setHtml(html)
    document.print_(printer)


def _printable(window: "MainWindow") -> Any:
    view = window.current_view()
    return view if view is not None and hasattr(view, "table") and hasattr(view, "spec") \
        else None


def can_print_record(window: "MainWindow") -> bool:
    view = _printable(window)
    editor = getattr(view, "editor", None)
    return editor is not None and (editor.record_id is not None or editor.is_dirty())


def print_list(window: "MainWindow", printer: QPrinter | None = None) -> bool:
    view = _printable(window)
    if view is None or window.desk is None:
        window.statusBar().showMessage(_tr("This screen has no list to print."), 6000)
        return False
    rows = view.table.model().rowCount()
    if rows > LONG_LIST and printer is None and not _print_long_list(window, rows):
        return False
    return _print(window, list_html(view, window.today), printer,
                  _tr("Print the list of {things}").format(things=view.spec.title.lower()))


def _print_long_list(window: "MainWindow", rows: int) -> bool:
    """A list of thousands of rows is rarely meant for paper: ask first (No by default)."""
    answer = QMessageBox.question(
        window, _tr("Print list"),
        _tr("This list has {n} rows, about {pages} pages. To print fewer, type in the "
            "list's filter box first. Print all of them?").format(
                n=f"{rows:,}", pages=f"{rows // ROWS_PER_PAGE + 1:,}"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def print_record(window: "MainWindow", printer: QPrinter | None = None) -> bool:
    view = _printable(window)
    if view is None or window.desk is None or not can_print_record(window):
        window.statusBar().showMessage(_tr("Open a record first, then print it."), 6000)
        return False
    return _print(window, record_html(view, window.today), printer,
                  _tr("Print this {thing}").format(thing=view.spec.singular))


def _print(window: "MainWindow", html: str, printer: QPrinter | None, title: str) -> bool:
    if printer is None:
        printer = make_printer(window.desk.settings.page_size if window.desk else "a4")
        if not ask_printer(window, printer, title):
            return False
    print_html(html, printer)
    window.statusBar().showMessage(_tr("Sent to the printer."), 6000)
    return True


def build_print_actions(window: "MainWindow") -> list[Any]:
    """[Print list…, Print record…] for the File menu; enabled where there is a list."""
    from PySide6.QtGui import QAction, QKeySequence

    from partnerdesk.ui.icons import icon

    print_list_action = QAction(icon("print"), _tr("&Print list…"), window)
    print_list_action.setObjectName("print_list")
    print_list_action.setShortcuts(QKeySequence.StandardKey.Print)
    print_list_action.setStatusTip(_tr("Print the list on screen, as it is filtered"))
    print_list_action.triggered.connect(lambda: print_list(window))
    print_record_action = QAction(icon("print"), _tr("Print &record…"), window)
    print_record_action.setObjectName("print_record")
    print_record_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
    print_record_action.setStatusTip(_tr("Print the record that is open"))
    print_record_action.triggered.connect(lambda: print_record(window))

    def follow(_key: str = "") -> None:
        has_list = _printable(window) is not None
        print_list_action.setEnabled(has_list)
        print_record_action.setEnabled(has_list)

    window.sig_view_changed.connect(follow)
    follow()
    window.addActions([print_list_action, print_record_action])
    window.print_action = print_list_action  # type: ignore[attr-defined]
    window.print_record_action = print_record_action  # type: ignore[attr-defined]
    return [print_list_action, print_record_action]
