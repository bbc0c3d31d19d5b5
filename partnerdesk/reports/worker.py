"""Making a report in a separate process, kept warm.

ReportLab holds the interpreter lock while it lays out pages, so a large report built on
a thread would freeze the window. The app builds reports on a worker thread that hands
them to one child process (spawn, the same on every platform). The child imports the
report code once, when the app asks it to get ready (`warm_up`, after the first screen
is painted), then waits: a report then costs its own work, not a second of imports.
For each report the child opens its own connection to the database, builds the PDF,
closes the connection (a restore may need the file to itself) and sends back the bytes
or the error sentence. Cancelling ends the child; the next report starts a new one.
Nothing is written anywhere.
"""

import atexit
import contextlib
import logging
import multiprocessing
import threading
import traceback
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.progress import Cancelled, Progress
from partnerdesk.services.reporting import ReportOptions

log = logging.getLogger("partnerdesk.reports")
POLL_SECONDS = 0.05
STOPPED = ("The report stopped before it was finished. Try again; if it keeps happening, "
           "restart PartnerDesk.")


def _build_one(db_path: str, options: ReportOptions | None) -> tuple[str, Any]:
    """("ok", PDF bytes), ("error", a sentence) or ("crash", a traceback). Without
    options, only opens the database and reads from it (getting ready)."""
    try:
        from partnerdesk.db.engine import make_engine

        # The app that started us holds the database's one-process lock and has already
        # migrated it; this child only reads, so it opens a plain connection beside it.
        from partnerdesk.db.server import is_server_url, make_server_engine, parse_address
        from partnerdesk.reports import build_pdf
        from partnerdesk.services import Desk
        from partnerdesk.services.store import Store

        if is_server_url(db_path):  # an office database: already at the current schema
            address = parse_address(db_path)
            path = address.local_folder() / "office.db"
            desk = Desk(Store(make_server_engine(address, pool_size=1), path, address))
        else:
            path = Path(db_path)
            desk = Desk(Store(make_engine(path), path))
        try:
            if options is None:
                desk.organizations.count()
                return "ok", b""
            return "ok", build_pdf(desk, options)
        finally:
            desk.store.close()
    except PartnerDeskError as error:
        return "error", error.message
    except BaseException:
        return "crash", traceback.format_exc()


def _serve(pipe: Connection) -> None:
    """The child: import what every report needs, then build what is asked, one by one."""
    try:
        from sqlalchemy.orm import configure_mappers

        import partnerdesk.reports  # noqa: F401 - the imports are the point
        import partnerdesk.services  # noqa: F401
        from partnerdesk.reports.fonts import register_fonts

        register_fonts()
        configure_mappers()
    except BaseException:
        log.exception("Getting the report worker ready failed")  # each report says why
    while True:
        try:
            db_path, options = pipe.recv()
        except (EOFError, OSError):
            return  # the app has gone
        answer = _build_one(db_path, options)
        if options is not None:  # getting ready is not answered
            pipe.send(answer)


class ReportWorker:
    """One child process that makes reports; started early, restarted when needed."""

    def __init__(self) -> None:
        self._child: BaseProcess | None = None
        self._pipe: Connection | None = None
        self._busy = threading.Lock()  # one report at a time through the one pipe
        self._starting = threading.Lock()

    def warm_up(self, db_path: Path | str | None = None) -> None:
        """Start the child now, if it is not running, so the next report need not wait
        for its imports; with `db_path`, it also opens that database once. Returns at
        once."""
        with self._starting:  # sends on the pipe happen under this lock only
            if self._child is not None and self._child.is_alive():
                return
            self._start()
            if db_path is not None and self._pipe is not None:
                with contextlib.suppress(OSError):  # if so, the next report starts anew
                    self._pipe.send((str(db_path), None))  # answered by nothing

    def _start(self) -> None:
        self._discard()
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe(duplex=True)
        child = context.Process(target=_serve, args=(theirs,), daemon=True,
                                name="partnerdesk-report")
        child.start()
        theirs.close()
        self._child, self._pipe = child, mine

    def build(self, db_path: Path | str, options: ReportOptions,
              progress: Progress | None = None) -> bytes:
        """The PDF bytes; raises the child's error as our own, `Cancelled` on Cancel."""
        progress = progress or Progress()
        while not self._busy.acquire(timeout=POLL_SECONDS):
            if progress.cancelled:
                raise Cancelled()
        try:
            outcome, payload = self._ask(str(db_path), options, progress)
        finally:
            self._busy.release()
        if outcome == "ok":
            return bytes(payload)
        if outcome == "error":
            raise PartnerDeskError(payload)
        log.error("Report worker failed:\n%s", payload)
        raise PartnerDeskError("Something unexpected went wrong while making the report. "
                               "Details were written to the log file.")

    def _ask(self, db_path: str, options: ReportOptions,
             progress: Progress) -> tuple[str, Any]:
        try:
            with self._starting:
                if self._child is None or not self._child.is_alive():
                    self._start()
                child, pipe = self._child, self._pipe
                assert child is not None and pipe is not None
                pipe.send((db_path, options))
            while not pipe.poll(POLL_SECONDS):
                if progress.cancelled:
                    self.stop()
                    raise Cancelled()
                if not child.is_alive() and not pipe.poll(0):
                    self._discard()
                    raise PartnerDeskError(STOPPED)
            answer: tuple[str, Any] = pipe.recv()
            return answer
        except (EOFError, OSError, BrokenPipeError):
            self._discard()
            raise PartnerDeskError(STOPPED) from None

    def stop(self) -> None:
        """End the child (Cancel, or the app quitting)."""
        with self._starting:
            child = self._child
            if child is not None and child.is_alive():
                child.kill()  # it only reads: nothing is left half-written
            self._discard()

    def _discard(self) -> None:
        child, pipe = self._child, self._pipe
        self._child = self._pipe = None
        if pipe is not None:
            pipe.close()
        if child is not None:
            child.join(timeout=5)


_worker = ReportWorker()
atexit.register(_worker.stop)


def warm_up(db_path: Path | str | None = None) -> None:
    """Get the report process ready in the background, for `db_path` if given (the app
    calls this once its first screen is on show, and when Reports opens)."""
    _worker.warm_up(db_path)


def build_in_process(db_path: Path | str, options: ReportOptions,
                     progress: Progress | None = None) -> bytes:
    """The PDF bytes, made in the report process; raises the child's error as our own."""
    return _worker.build(db_path, options, progress)
