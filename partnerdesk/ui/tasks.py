"""One way to run work off the UI thread, after Anki's collection operations
(`qt/aqt/operations`, `qt/aqt/taskman.py`) and Orange's concurrent helpers:

    DeskOp(self, lambda progress: desk.sharing.import_bundle(bundle, progress=progress))
        .success(self._imported).failure(self._failed)
        .with_progress(self.tr("Bringing the records in…")).run_in_background()

Database work runs on ONE worker thread, in the order it was asked for, so two writes
never overlap and a read never sees half of a write made from this window; the UI thread
stays free meanwhile. Work that never opens the database (waiting for the report
process, reading backup files) says `.without_database()` and runs in Qt's shared pool.

`op(progress)` is a plain function: it never touches a widget, only plain data crosses
back, and it may call `progress.report(...)`, which raises `Cancelled` once the person
pressed Cancel. Its result or error reaches `success` / `failure` on the UI thread; when
the widget that asked has been deleted meanwhile, the result is dropped (logged).
"""

import contextlib
import logging
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.progress import Cancelled, Progress

log = logging.getLogger("partnerdesk.ui")

T = TypeVar("T")
Work = Callable[[Progress], Any]

_database_pool: QThreadPool | None = None
_relay: "_Relay | None" = None
_running: "weakref.WeakSet[Task]" = weakref.WeakSet()
_lock = threading.Lock()


def database_pool() -> QThreadPool:
    """The one worker for database work (Anki's collection executor): one thread, so
    jobs run one after another in the order they were given."""
    global _database_pool
    if _database_pool is None:
        _database_pool = QThreadPool(QCoreApplication.instance())
        _database_pool.setObjectName("database-worker")
        _database_pool.setMaxThreadCount(1)
    return _database_pool


def wait_until_idle(timeout_ms: int = 30_000, *, database_only: bool = False) -> bool:
    """Block until background work has finished (tests, and quitting before the database
    closes). Results are delivered by the event loop afterwards. False: timed out."""
    done = database_pool().waitForDone(timeout_ms)
    if not database_only:
        done = QThreadPool.globalInstance().waitForDone(timeout_ms) and done
    return done


def stop_background_work(timeout_ms: int = 60_000) -> bool:
    """Before the database closes: cancel what may be cancelled (an import rolls back,
    nothing changes) and wait for the rest (a restore or a backup is never cut off)."""
    for task in list(_running):
        if isValid(task) and task.cancellable:
            task.cancel()
    return wait_until_idle(timeout_ms, database_only=True)


class _Relay(QObject):
    """Lives on the UI thread for the whole run; the workers emit through it, so no
    worker ever emits on an object that a closed window may have deleted."""

    sig_progress = Signal(object, int, int, str)
    """A task's progress: task, done, total, message."""
    sig_finished = Signal(object, bool, object)
    """A task ended: task, whether it succeeded, its result or its error."""

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self.sig_progress.connect(self._progress)
        self.sig_finished.connect(self._finished)

    def _progress(self, task: "Task", done: int, total: int, message: str) -> None:
        if isValid(task) and not task.finished:
            task.sig_progress.emit(done, total, message)

    def _finished(self, task: "Task", succeeded: bool, value: object) -> None:
        if not isValid(task):
            # The window that asked for the work was closed meanwhile: nobody to tell.
            log.info("Background work finished after its window closed.")
            return
        task.land(succeeded, value)


def _the_relay() -> _Relay:
    global _relay
    with _lock:
        if _relay is None or not isValid(_relay):
            _relay = _Relay()
        return _relay


class _Job(QRunnable):
    def __init__(self, work: Work, task: "Task", relay: _Relay) -> None:
        super().__init__()
        self.work, self.task, self.relay = work, task, relay
        self.progress = task.progress  # read here: the worker never touches the Task itself
        self.setAutoDelete(True)

    def run(self) -> None:
        task, relay = self.task, self.relay
        self.task = None  # type: ignore[assignment]  # only the relay's signal holds it now
        try:
            result = self.work(self.progress)
        except BaseException as error:  # handed to the UI thread, never lost
            if not isinstance(error, PartnerDeskError):
                log.error("Background work failed:\n%s", traceback.format_exc())
            self._emit(relay, task, False, error)
        else:
            self._emit(relay, task, True, result)

    @staticmethod
    def _emit(relay: _Relay, task: "Task", succeeded: bool, value: object) -> None:
        try:
            relay.sig_finished.emit(task, succeeded, value)
        except RuntimeError:  # the application is shutting down
            log.info("Background work finished after the application closed.")


class Task(QObject):
    """A piece of background work that was asked for; keep it to cancel it.

    A child of the widget that asked: deleting that widget deletes the task, and then
    its result is dropped."""

    sig_progress = Signal(int, int, str)
    """done, total, message (on the UI thread)."""
    sig_done = Signal(object)
    """The work returned this value."""
    sig_failed = Signal(object)
    """The work raised this exception."""

    def __init__(self, parent: QObject | None, cancellable: bool = True) -> None:
        super().__init__(parent)
        relay = _the_relay()
        self.cancellable = cancellable
        self.finished = False

        def report(done: int, total: int, message: str) -> None:  # on the worker thread
            with contextlib.suppress(RuntimeError):  # the application is shutting down
                relay.sig_progress.emit(self, done, total, message)

        self.progress = Progress(report)

    def cancel(self) -> None:
        self.progress.cancel()

    def land(self, succeeded: bool, value: object) -> None:
        """On the UI thread: the work ended."""
        self.finished = True
        _running.discard(self)
        (self.sig_done if succeeded else self.sig_failed).emit(value)


def _show_error(parent: QWidget | None, error: BaseException) -> None:
    from partnerdesk.ui.errors import show_error

    show_error(parent, error)


def run_in_background(parent: QWidget | None, work: Work, *,
                      on_success: Callable[[Any], None] | None = None,
                      on_failure: Callable[[BaseException], None] | None = None,
                      label: str | None = None, cancellable: bool = True,
                      uses_database: bool = True) -> Task:
    """Run `work(progress)` on the database worker (or, `uses_database=False`, in the
    shared pool); with `label`, show a progress dialog meanwhile. `DeskOp` reads better."""
    task = Task(parent, cancellable)
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
        task.sig_progress.connect(on_progress)

    def finish() -> None:
        if dialog is not None and isValid(dialog):
            was_shown = dialog.isVisible()
            dialog.reset()
            dialog.deleteLater()
            # The keys go back to the window that was waiting: not every platform (nor
            # window manager) hands them back when a dialog closes. Asked even when the
            # dialog's own activation is still on its way, which would leave none active.
            if was_shown and parent is not None and isValid(parent):
                parent.window().activateWindow()

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

    task.sig_done.connect(done)
    task.sig_failed.connect(failed)
    _running.add(task)
    pool = database_pool() if uses_database else QThreadPool.globalInstance()
    pool.start(_Job(work, task, _the_relay()))
    return task


class DeskOp(Generic[T]):
    """`DeskOp(parent, op).success(fn).failure(fn).with_progress(label).run_in_background()`
    (Anki's `CollectionOp`): one line at the call site for work on the open database."""

    def __init__(self, parent: QWidget | None, op: Callable[[Progress], T]) -> None:
        self._parent = parent
        self._op = op
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._label: str | None = None
        self._cancellable = True
        self._uses_database = True

    def success(self, fn: Callable[[T], None]) -> "DeskOp[T]":
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> "DeskOp[T]":
        """Without it, an error is shown to the person and Cancel ends quietly."""
        self._failure = fn
        return self

    def with_progress(self, label: str, *, cancellable: bool = True) -> "DeskOp[T]":
        self._label = label
        self._cancellable = cancellable
        return self

    def without_database(self) -> "DeskOp[T]":
        """Long work that never opens the database: Qt's shared pool, not the worker."""
        self._uses_database = False
        return self

    def run_in_background(self) -> Task:
        return run_in_background(self._parent, self._op, on_success=self._success,
                                 on_failure=self._failure, label=self._label,
                                 cancellable=self._cancellable,
                                 uses_database=self._uses_database)
