"""Errors reach a person as a calm sentence; tracebacks go to the log file."""

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from partnerdesk.errors import PartnerDeskError
from partnerdesk.paths import log_path

log = logging.getLogger("partnerdesk.ui")


def tr(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """One way to tell a person something went wrong."""
    if isinstance(error, PartnerDeskError):
        QMessageBox.warning(parent, tr("PartnerDesk"), error.message)
        return
    QMessageBox.critical(
        parent, tr("Something went wrong"),
        tr("Something unexpected went wrong. Your saved work is safe.\n\n"
           "Details were written to {path}.").format(path=log_path()))


def install_excepthook() -> None:
    """Anything unexpected on the UI thread: log the traceback, show a calm dialog."""

    def hook(kind: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        show_error(None, error)

    sys.excepthook = hook
