"""Work off the UI thread: results, errors and cancelling come back to the UI thread."""

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog, QWidget

from partnerdesk.db import records as r
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


def test_two_background_writes_asked_for_together_run_one_after_the_other(qtbot, desk) -> None:
    """The first write holds its transaction open until the second has started, or for
    two seconds. On one worker the second cannot start meanwhile; in a pool it would."""
    second_started = threading.Event()
    log: list[str] = []

    def first(_progress: Progress) -> str:
        with desk.store.write() as writer:
            row = writer.create(r.Organization, {"name": "First Food Bank"})
            log.append("first writing")
            overlapped = second_started.wait(2)
            log.append("second started meanwhile" if overlapped else "first done")
        return row.id

    def second(_progress: Progress) -> str:
        second_started.set()
        log.append("second writing")
        return desk.organizations.create(name="Second Clinic").id

    done: list[str] = []
    one = tasks.DeskOp(None, first).success(done.append).run_in_background()
    two = tasks.DeskOp(None, second).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: one.finished and two.finished, timeout=20_000)
    assert log == ["first writing", "first done", "second writing"]
    assert sorted(o.name for o in desk.organizations.list()) == ["First Food Bank",
                                                                 "Second Clinic"]
    assert len(done) == 2


def test_a_long_read_leaves_the_ui_thread_free(qtbot) -> None:
    release = threading.Event()
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    task = tasks.DeskOp(None, lambda _p: release.wait(20)).run_in_background()
    qtbot.waitUntil(lambda: len(ticks) >= 3)  # the event loop runs while the read waits
    assert not task.finished
    release.set()
    qtbot.waitUntil(lambda: task.finished)
    timer.stop()


def test_the_result_for_a_window_closed_meanwhile_is_dropped(qtbot) -> None:
    release = threading.Event()
    window = QWidget()
    got: list[object] = []
    failures: list[BaseException] = []
    task = (tasks.DeskOp(window, lambda _p: release.wait(20) and "rows")
            .success(got.append).failure(failures.append)
            .with_progress("Loading…").run_in_background())
    destroyed: list[bool] = []
    task.destroyed.connect(lambda: destroyed.append(True))
    window.close()
    window.deleteLater()
    qtbot.waitUntil(lambda: destroyed == [True])  # the task went with its window
    release.set()
    assert tasks.wait_until_idle(20_000)
    qtbot.wait(50)  # the relay delivers, and drops, the result
    assert got == [] and failures == []


def test_work_that_never_opens_the_database_does_not_wait_for_it(qtbot) -> None:
    release = threading.Event()
    database = tasks.DeskOp(None, lambda _p: release.wait(20)).run_in_background()
    other = tasks.DeskOp(None, lambda _p: "report").without_database().run_in_background()
    qtbot.waitUntil(lambda: other.finished)
    assert not database.finished
    release.set()
    qtbot.waitUntil(lambda: database.finished)


def test_quitting_cancels_what_may_be_cancelled_and_lets_a_restore_finish(qtbot) -> None:
    started = threading.Event()
    steps: list[int] = []

    def long_import(progress: Progress) -> None:
        started.set()
        for step in range(2000):  # stops at the first report after Cancel
            progress.report(step, 2000)
            steps.append(step)
            threading.Event().wait(0.01)

    restored: list[str] = []
    importing = tasks.DeskOp(None, long_import).run_in_background()
    restoring = tasks.DeskOp(None, lambda _p: restored.append("restored")) \
        .with_progress("Restoring…", cancellable=False).run_in_background()
    assert started.wait(10)
    assert tasks.stop_background_work(30_000)
    assert restored == ["restored"] and len(steps) < 2000
    qtbot.waitUntil(lambda: importing.finished and restoring.finished)


def test_the_window_has_the_keyboard_again_once_its_progress_dialog_closes(qtbot) -> None:
    """Found when Ctrl+Shift+Z after an Undo that had shown "Please wait" did nothing: the
    dialog closed and no window had the keyboard, so the shortcut went nowhere."""
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    release = threading.Event()

    def work(_progress: Progress) -> int:
        release.wait(60)
        return 1

    task = tasks.run_in_background(window, work, label="Working…")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), QProgressDialog))
    release.set()
    qtbot.waitUntil(lambda: task.finished)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
