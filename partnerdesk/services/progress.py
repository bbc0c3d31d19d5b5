"""Progress and cancellation for long work, without Qt.

Long service functions take a `Progress`; the UI passes one whose `report` reaches
a progress dialog, the CLI and tests pass the default, which does nothing.
"""

import threading
from collections.abc import Callable

from partnerdesk.errors import PartnerDeskError


class Cancelled(PartnerDeskError):
    def __init__(self) -> None:
        super().__init__("Stopped before finishing; nothing was changed.")


class Progress:
    def __init__(self, on_report: Callable[[int, int, str], None] | None = None) -> None:
        self._on_report = on_report
        self._cancel = threading.Event()

    def report(self, done: int, total: int, message: str = "") -> None:
        """Say how far the work is; raises Cancelled when someone asked it to stop."""
        if self._on_report is not None:
            self._on_report(done, total, message)
        self.check()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()
