"""Making a report in a separate process.

ReportLab holds the interpreter lock while it lays out pages, so a large report built on
a thread would freeze the window. The app runs `build_in_process` on a worker thread; it
starts a fresh interpreter (spawn, the same on every platform) that opens its own
connection to the database, builds the PDF and sends back the bytes or the error
sentence. Cancelling ends the child process; nothing is written anywhere.
"""

import logging
import multiprocessing
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.progress import Cancelled, Progress
from partnerdesk.services.reporting import ReportOptions

log = logging.getLogger("partnerdesk.reports")
POLL_SECONDS = 0.1


def _child(db_path: str, options: ReportOptions, pipe: Connection) -> None:
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
            data = build_pdf(desk, options)
        finally:
            desk.store.close()
        pipe.send(("ok", data))
    except PartnerDeskError as error:
        pipe.send(("error", error.message))
    except BaseException:
        pipe.send(("crash", traceback.format_exc()))
    finally:
        pipe.close()


def build_in_process(db_path: Path | str, options: ReportOptions,
                     progress: Progress | None = None) -> bytes:
    """The PDF bytes, made in a child process; raises the child's error as our own."""
    progress = progress or Progress()
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(str(db_path), options, sender), daemon=True,
                            name="partnerdesk-report")
    child.start()
    sender.close()
    try:
        while not receiver.poll(POLL_SECONDS):
            if progress.cancelled:
                child.terminate()
                raise Cancelled()
            if not child.is_alive() and not receiver.poll(0):
                raise PartnerDeskError("The report stopped before it was finished. "
                                       "Try again; if it keeps happening, restart PartnerDesk.")
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            raise PartnerDeskError("The report stopped before it was finished. Try again; "
                                   "if it keeps happening, restart PartnerDesk.") from None
    finally:
        receiver.close()
        child.join(timeout=5)
    if outcome == "ok":
        return payload
    if outcome == "error":
        raise PartnerDeskError(payload)
    log.error("Report worker failed:\n%s", payload)
    raise PartnerDeskError("Something unexpected went wrong while making the report. "
                           "Details were written to the log file.")
