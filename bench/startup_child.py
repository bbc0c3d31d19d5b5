"""Child process for the start-up and memory benchmarks: prints when the window is shown.

    python -m bench.startup_child bare|app [DB] [--contacts]
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


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtWidgets import QApplication, QMainWindow

    if mode == "bare":
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.show()
        app.processEvents()
        print(f"shown {time.time():.6f}", flush=True)
        return
    from pathlib import Path

    from partnerdesk.ui.app import make_application, open_desk
    from partnerdesk.ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    window = MainWindow()
    window.show()
    app.processEvents()
    open_desk(window, Path(sys.argv[2]))
    app.processEvents()
    print(f"shown {time.time():.6f}", flush=True)
    if "--contacts" in sys.argv:
        window.show_view("contacts")
        view = window.view("contacts")
        app.processEvents()
        view.table.scrollToBottom()
        app.processEvents()
        view.filter_box.setText("zo")
        view._apply_filter()
        app.processEvents()
        print(f"peak {peak_bytes()}", flush=True)
    window.desk.close() if getattr(window, "desk", None) else None


if __name__ == "__main__":
    main()
