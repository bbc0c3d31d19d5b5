"""Child process for the start-up and memory benchmarks: prints when the window is shown.

    python -m bench.startup_child bare|app [DB] [--contacts]
"""

import resource
import sys
import time


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
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"peak {peak_kb * 1024}", flush=True)
    window.desk.close() if getattr(window, "desk", None) else None


if __name__ == "__main__":
    main()
