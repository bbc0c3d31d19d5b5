"""Work off the UI thread: results, errors and cancelling come back to the UI thread."""

import threading

import pytest
from PySide6.QtWidgets import QWidget

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.progress import Progress
from partnerdesk.ui import tasks


def test_result_arrives_on_the_ui_thread(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    got: list[tuple[object, bool]] = []

    def work(progress: Progress) -> int:
        progress.report(1, 2, "half way")
        return 42 if threading.current_thread() is not threading.main_thread() else -1

    task = tasks.run_in_background(
        parent, work, label="Working…",
        on_success=lambda value: got.append(
            (value, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: task.finished)
    assert got == [(42, True)]


def test_a_failure_is_shown_calmly(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(tasks, "_show_error", lambda _parent, error: shown.append(error))

    def work(_progress: Progress) -> None:
        raise PartnerDeskError("The file is not a bundle. Choose a .partnerdesk file.")

    task = tasks.run_in_background(None, work)
    qtbot.waitUntil(lambda: task.finished)
    assert [str(e) for e in shown] == ["The file is not a bundle. Choose a .partnerdesk file."]


def test_cancelling_stops_the_work_quietly(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(tasks, "_show_error", lambda _parent, error: shown.append(error))
    started = threading.Event()
    finished_loops: list[int] = []

    def work(progress: Progress) -> None:
        started.set()
        for step in range(1000):
            progress.report(step, 1000)
            threading.Event().wait(0.005)
            finished_loops.append(step)

    task = tasks.run_in_background(None, work)
    assert started.wait(60)
    task.cancel()
    qtbot.waitUntil(lambda: task.finished)
    assert shown == [] and len(finished_loops) < 1000
