"""Child process for the start-up and memory benchmarks: prints when the window is shown.

    python -m bench.startup_child bare|app [DB] [--contacts]

`app` starts PartnerDesk the way its command does (`partnerdesk.desktop`, then
`partnerdesk.ui.app.run`). It prints `shown` when the main window is on screen and
painted (its title, menus and "Opening your records…") and the program turns to
opening the database, then `ready` once the database is open and the first screen
(the Dashboard) is built and painted with its records. `bare` is a QApplication and
an empty QMainWindow, shown and painted.
"""

import resource
import sys
import time


def peak_bytes() -> int:
    """This process's own peak RSS. (ru_maxrss keeps the high-water mark of the parent
    that forked us across exec, so a benchmark run after a big one would read its peak.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.show()
    app.processEvents()
    print(f"shown {time.time():.6f}", flush=True)


def app(db: str, contacts: bool) -> None:
    from partnerdesk.logs import setup_logging
    from partnerdesk.paths import resolve_db_path  # as the front door (desktop.main) does
    from partnerdesk.ui import app as app_module
    from partnerdesk.ui.main_window import MainWindow

    opening = app_module.open_desk

    def open_desk(*args: object, **kwargs: object) -> object:
        print(f"shown {time.time():.6f}", flush=True)
        return opening(*args, **kwargs)  # type: ignore[arg-type]

    built = MainWindow.set_desk

    def set_desk(window: MainWindow, desk: object, today: object = None) -> None:
        built(window, desk, today)  # type: ignore[arg-type]
        from PySide6.QtCore import QCoreApplication, QTimer

        def shown() -> None:
            application = QCoreApplication.instance()
            application.processEvents()  # type: ignore[union-attr]
            print(f"ready {time.time():.6f}", flush=True)
            if contacts:
                window.show_view("contacts")
                view = window.view("contacts")
                application.processEvents()  # type: ignore[union-attr]
                view.table.scrollToBottom()
                application.processEvents()  # type: ignore[union-attr]
                view.filter_box.setText("zo")
                view._apply_filter()
                application.processEvents()  # type: ignore[union-attr]
                print(f"peak {peak_bytes()}", flush=True)
            window.close()
            application.quit()  # type: ignore[union-attr]

        QTimer.singleShot(0, shown)

    MainWindow.set_desk = set_desk  # type: ignore[method-assign]
    app_module.open_desk = open_desk  # type: ignore[assignment]
    setup_logging()
    app_module.run(resolve_db_path(db), sys.argv[:1])


def main() -> None:
    if sys.argv[1] == "bare":
        bare()
    else:
        app(sys.argv[2], "--contacts" in sys.argv)


if __name__ == "__main__":
    main()
