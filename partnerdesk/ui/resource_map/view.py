"""The Resource map: Directory, Gaps and Network tabs in one view.

Each tab loads when first shown, off the UI thread, so a large database never
freezes the window.
"""

import sys

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from partnerdesk.services import Desk
from partnerdesk.ui.resource_map.directory import DirectoryTab
from partnerdesk.ui.resource_map.gaps_tab import GapsTab
from partnerdesk.ui.resource_map.network_tab import NetworkTab


class ResourceMapView(QWidget):
    sig_open_record = Signal(str, str)
    """The person asked to open a record: record type, record id."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.directory = DirectoryTab(desk)
        self.gaps = GapsTab(desk)
        self.network = NetworkTab(desk)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.directory, self.tr("&Directory"))
        self.tabs.addTab(self.gaps, self.tr("&Gaps"))
        self.tabs.addTab(self.network, self.tr("&Network"))
        self._loaded: set[int] = set()
        for tab in (self.directory, self.gaps, self.network):
            tab.sig_open_record.connect(self.sig_open_record)
        self.tabs.currentChanged.connect(self._load_tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._load_tab(0)

    def _load_tab(self, index: int) -> None:
        if index in self._loaded:
            return
        self._loaded.add(index)
        widget = self.tabs.widget(index)
        widget.refresh()  # type: ignore[attr-defined]

    def show_tab(self, name: str) -> None:
        """"directory", "gaps" or "network"."""
        self.tabs.setCurrentWidget(getattr(self, name))


if __name__ == "__main__":  # a quick look with the sample data
    import tempfile
    from pathlib import Path

    app = QApplication(sys.argv)
    desk = Desk.open(Path(tempfile.mkdtemp()) / "sample.db")
    desk.load_sample_data()
    view = ResourceMapView(desk)
    view.resize(1100, 700)
    view.show()
    sys.exit(app.exec())
