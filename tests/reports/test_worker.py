"""The report process: kept ready between reports, ended by Cancel, replaced when gone."""

import os
import signal
import threading
from multiprocessing.process import BaseProcess

import pytest

from partnerdesk.reports import worker
from partnerdesk.services import Desk
from partnerdesk.services.progress import Cancelled, Progress
from partnerdesk.services.reporting import ReportOptions
from tests.conftest import TODAY, WAIT_FLOOR_MS

REGISTER = ReportOptions(kind="agreements", today=TODAY)


def the_child() -> BaseProcess:
    child = worker._worker._child
    assert child is not None and child.pid is not None
    return child


def child_pid() -> int:
    pid = the_child().pid
    assert pid is not None
    return pid


def wait_until_gone(child: BaseProcess) -> None:
    """Until the report process has ended: however long a busy machine takes to end it;
    only a hang fails (after the suite's floor for any wait)."""
    child.join(WAIT_FLOOR_MS / 1000)
    assert not child.is_alive(), f"report process {child.pid} is still running"


def test_one_process_makes_report_after_report(demo_desk: Desk) -> None:
    demo_desk.reports.warm_up()
    pid = child_pid()
    first = demo_desk.reports.build_pdf(REGISTER)
    demo_desk.agreements.create(title="Shared kitchen MOU", status="active")
    second = demo_desk.reports.build_pdf(REGISTER)
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert child_pid() == pid  # no second start-up for the second report
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(second)).pages)
    assert "Shared kitchen MOU" in text  # it reads what was saved since it started


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals")
def test_cancel_ends_the_process_and_the_next_report_still_comes(demo_desk: Desk) -> None:
    demo_desk.reports.warm_up()
    child = the_child()
    pid = child_pid()
    os.kill(pid, signal.SIGSTOP)  # it cannot answer: only Cancel ends the wait
    progress = Progress()
    timer = threading.Timer(0.3, progress.cancel)
    timer.start()
    try:
        with pytest.raises(Cancelled):
            demo_desk.reports.build_pdf(REGISTER, progress)
    finally:
        timer.cancel()
    wait_until_gone(child)
    assert demo_desk.reports.build_pdf(REGISTER).startswith(b"%PDF")
    assert child_pid() != pid


def test_a_process_that_died_while_waiting_is_replaced(demo_desk: Desk) -> None:
    demo_desk.reports.warm_up()
    child = the_child()
    os.kill(child_pid(), signal.SIGKILL)  # the system ended it (out of memory, say)
    wait_until_gone(child)
    assert demo_desk.reports.build_pdf(REGISTER).startswith(b"%PDF")


def test_a_process_that_dies_during_a_report_is_a_sentence(demo_desk: Desk) -> None:
    demo_desk.reports.warm_up()
    pid = child_pid()
    os.kill(pid, signal.SIGSTOP)
    threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
    with pytest.raises(worker.PartnerDeskError, match="stopped before it was finished"):
        demo_desk.reports.build_pdf(REGISTER)
    assert demo_desk.reports.build_pdf(REGISTER).startswith(b"%PDF")
