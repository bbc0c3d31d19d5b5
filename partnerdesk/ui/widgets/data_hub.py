"""One application-wide "data changed" signal, fed from `desk.subscribe`.

Screens connect to `hub_for(desk).sig_data_changed` and decide for themselves
whether a change concerns them (after Anki's `operation_did_execute`), instead
of calling each other. Writes may happen on a worker thread; the signal is
queued onto the UI thread by Qt because the hub lives there.
"""

from typing import Any
from weakref import WeakKeyDictionary

from PySide6.QtCore import QCoreApplication, QObject, Signal

from partnerdesk.services import Desk


class DataHub(QObject):
    sig_data_changed = Signal(object)
    """Records changed: a list of `Change` (record_type, record_id, action, fields)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def publish(self, changes: list[Any]) -> None:
        self.sig_data_changed.emit(list(changes))


_HUBS: "WeakKeyDictionary[Any, DataHub]" = WeakKeyDictionary()


def hub_for(desk: Desk) -> DataHub:
    """The hub of this open database, created (and subscribed) on first use."""
    hub = _HUBS.get(desk)
    if hub is None:
        hub = DataHub(QCoreApplication.instance())
        desk.subscribe(hub.publish)
        _HUBS[desk] = hub
    return hub
