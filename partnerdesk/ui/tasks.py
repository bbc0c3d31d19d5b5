"""One way to run work off the UI thread (after Anki's CollectionOp and Orange's
concurrent helpers): a plain function runs in the thread pool with a `Progress`,
and its result or error comes back to the UI thread through a signal.

    run_in_background(parent, work, on_success=show, label=tr("Importing…"))

Only plain data crosses the thread boundary; `work` never touches a widget.
"""

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.progress import Cancelled, Progress

log = logging.getLogger("partnerdesk.ui")


class _Signals(QObject):
    sig_done = Signal(object)
    """The work returned this value."""
    sig_failed = Signal(object)
    """The work raised this exception."""
    sig_progress = Signal(int, int, str)
    """done, total, message."""


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], progress: Progress,
                 signals: _Signals) -> None:
        super().__init__()
        self.work, self.progress, self.signals = work, progress, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except BaseException as error:  # handed to the UI thread, never lost
            if not isinstance(error, PartnerDeskError):
                log.error("Background work failed:\n%s", traceback.format_exc())
            self._emit(self.signals.sig_failed, error)
        else:
            self._emit(self.signals.sig_done, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The window that asked for the work was closed meanwhile: nobody to tell.
            log.info("Background work finished after its window closed.")


class Task(QObject):
    """A running piece of background work; keep it to cancel it."""

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.progress = Progress(self._report)
        self.signals = _Signals(self)
        self.finished = False

    def _report(self, done: int, total: int, message: str) -> None:
        self.signals.sig_progress.emit(done, total, message)

    def cancel(self) -> None:
        self.progress.cancel()


def _show_error(parent: QWidget | None, error: BaseException) -> None:
    from partnerdesk.ui.errors import show_error

    show_error(parent, error)


def run_in_background(parent: QWidget | None, work: Callable[[Progress], Any], *,
                      on_success: Callable[[Any], None] | None = None,
                      on_failure: Callable[[BaseException], None] | None = None,
                      label: str | None = None, cancellable: bool = True,
                      pool: QThreadPool | None = None) -> Task:
    """Run `work(progress)` in the pool; with `label`, show a progress dialog meanwhile."""
    task = Task(parent)
    dialog: QProgressDialog | None = None
    if label is not None and parent is not None:
        dialog = QProgressDialog(label, parent.tr("Cancel") if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle(parent.tr("Please wait"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(task.cancel)

        def on_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if message:
                dialog.setLabelText(message)
        task.signals.sig_progress.connect(on_progress)

    def finish() -> None:
        task.finished = True
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()

    def done(result: Any) -> None:
        finish()
        if on_success is not None:
            on_success(result)

    def failed(error: BaseException) -> None:
        finish()
        if isinstance(error, Cancelled) and on_failure is None:
            return
        if on_failure is not None:
            on_failure(error)
        else:
            _show_error(parent, error)

    task.signals.sig_done.connect(done)
    task.signals.sig_failed.connect(failed)
    (pool or QThreadPool.globalInstance()).start(_Runnable(work, task.progress, task.signals))
    return task
