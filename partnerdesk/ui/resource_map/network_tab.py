"""The Network tab: filters, the diagram, kept positions, export to PNG and SVG."""

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetricsF, QPainter, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partnerdesk.db import vocabulary as v
from partnerdesk.services import Desk
from partnerdesk.services.network_positions import Footprint
from partnerdesk.services.progress import Progress
from partnerdesk.ui.errors import show_error
from partnerdesk.ui.resource_map.network_scene import (
    RADIUS,
    SCALE,
    NetworkPicture,
    NetworkScene,
)
from partnerdesk.ui.tasks import DeskOp
from partnerdesk.ui.widgets.data_hub import hub_for

WATCHED = ("organization", "partnership", "partnership_member", "referral_pathway",
           "referral_count", "resource", "category")


def compute_picture(desk: Desk, categories: list[str] | None, kinds: list[str] | None,
                    statuses: list[str] | None, char_width: float, line_height: float,
                    ) -> NetworkPicture:
    """The filtered network, its positions and edge records (runs off the UI thread)."""
    network = desk.resource_map.network(categories=categories, kinds=kinds, statuses=statuses)
    shown = network.subset(network.linked_ids())
    feet = {n.id: Footprint(width=max(len(n.name), len(n.kind_label)) * char_width + 8,
                            above=RADIUS * 1.3, below=RADIUS * 1.3 + 2 * line_height + 2)
            for n in shown.nodes}
    positions = desk.resource_map.positions(shown, feet, SCALE)
    return NetworkPicture(shown, positions, desk.resource_map.edge_records(shown),
                          len(network.nodes) - len(shown.nodes))


class NetworkView(QGraphicsView):
    """Ctrl + wheel zooms; plain wheel scrolls."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            self.scale(factor, factor)
            return
        super().wheelEvent(event)


class NetworkTab(QWidget):
    sig_open_record = Signal(str, str)
    """Open a record: record type, record id."""
    sig_loaded = Signal()
    """The diagram shows a freshly computed picture."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._generation = 0
        self._started = False
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(150)
        self._changed.timeout.connect(self.refresh)
        self.picture: NetworkPicture | None = None
        self.scene = NetworkScene(self)
        self.scene.signals.sig_node_clicked.connect(
            lambda node_id: self.sig_open_record.emit("organization", node_id))
        self.scene.signals.sig_node_moved.connect(self._on_node_moved)
        self.scene.signals.sig_edge_clicked.connect(self._on_edge_clicked)
        self.view = NetworkView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setAccessibleName(self.tr("Network of organizations"))

        self.category = QComboBox()
        self.category.setAccessibleName(self.tr("Category"))
        self.category.addItem(self.tr("All categories"), None)
        for row in desk.categories.list(order_by="name"):
            self.category.addItem(row.name, row.name)
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Kind of organization"))
        self.kind.addItem(self.tr("All kinds"), None)
        for value, label in v.ORGANIZATION_KINDS:
            self.kind.addItem(self.tr(label), value)
        self.status = QComboBox()
        self.status.setAccessibleName(self.tr("Status"))
        self.status.addItem(self.tr("Any status"), None)
        for value, label in v.ORGANIZATION_STATUSES:
            self.status.addItem(self.tr(label), value)
        for combo in (self.category, self.kind, self.status):
            combo.currentIndexChanged.connect(self.refresh)
        self.reset_button = QPushButton(self.tr("&Tidy layout"))
        self.reset_button.setToolTip(self.tr("Forget where organizations were dragged and "
                                             "lay them all out again"))
        self.reset_button.clicked.connect(self.reset_layout)
        self.png_button = QPushButton(self.tr("Save as &PNG…"))
        self.png_button.clicked.connect(lambda: self.export("png"))
        self.svg_button = QPushButton(self.tr("Save as &SVG…"))
        self.svg_button.clicked.connect(lambda: self.export("svg"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:")))
        bar.addWidget(self.category)
        bar.addWidget(self.kind)
        bar.addWidget(self.status)
        bar.addStretch(1)
        bar.addWidget(self.reset_button)
        bar.addWidget(self.png_button)
        bar.addWidget(self.svg_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        hub_for(desk).sig_data_changed.connect(self._on_changes)

    def filters(self) -> tuple[list[str] | None, list[str] | None, list[str] | None]:
        def one(combo: QComboBox) -> list[str] | None:
            value = combo.currentData()
            return None if value is None else [value]
        return one(self.category), one(self.kind), one(self.status)

    # -- loading -------------------------------------------------------------------
    def refresh(self) -> None:
        self._started = True
        self._generation += 1
        generation = self._generation
        categories, kinds, statuses = self.filters()
        metrics = QFontMetricsF(self.font())
        char_width, line_height = metrics.averageCharWidth() * 1.1, metrics.height()
        self.summary.setText(self.tr("Drawing the network…"))

        def work(_progress: Progress) -> NetworkPicture:
            return compute_picture(self.desk, categories, kinds, statuses, char_width,
                                   line_height)

        def done(picture: NetworkPicture) -> None:
            if generation != self._generation:
                return
            self.picture = picture
            self.scene.show_picture(picture, self.font())
            self.view.setSceneRect(self.scene.export_rect())
            self.view.fitInView(self.scene.export_rect(), Qt.AspectRatioMode.KeepAspectRatio)
            nodes, edges = len(picture.network.nodes), len(picture.network.edges)
            text = (self.tr("1 organization") if nodes == 1 else self.tr(
                "%1 organizations").replace("%1", f"{nodes:,}")) + " " + (
                self.tr("and 1 link.") if edges == 1 else self.tr("and %1 links.").replace(
                    "%1", f"{edges:,}")) + " " + self.tr(
                "Click one to open it; drag to move it (its place is kept).")
            if picture.hidden:
                text += " " + (self.tr("1 organization with no links here is not shown.")
                               if picture.hidden == 1 else self.tr(
                                   "%1 organizations with no links here are not shown."
                               ).replace("%1", f"{picture.hidden:,}"))
            self.summary.setText(text)
            self.sig_loaded.emit()

        DeskOp(self, work).success(done).run_in_background()

    def _on_changes(self, changes: list[Any]) -> None:
        if self._started and any(c.record_type in WATCHED for c in changes):
            self._changed.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self.picture is not None:
            self.view.fitInView(self.scene.export_rect(), Qt.AspectRatioMode.KeepAspectRatio)

    # -- interaction -----------------------------------------------------------------
    def _on_node_moved(self, node_id: str, x: float, y: float) -> None:
        try:
            self.desk.resource_map.save_positions({node_id: (x, y)})
        except Exception as error:  # the node stays where it was put for now
            show_error(self, error)

    def _on_edge_clicked(self, index: int) -> None:
        if self.picture is None or index >= len(self.picture.edge_records):
            return
        target = self.picture.edge_records[index]
        if target is not None:
            self.sig_open_record.emit(*target)

    def reset_layout(self) -> None:
        self.desk.resource_map.forget_positions()
        self.refresh()

    def export(self, kind: str) -> None:
        if self.picture is None:
            return
        title = self.tr("Save the network as %1").replace("%1", kind.upper())
        pattern = self.tr("PNG images (*.png)") if kind == "png" else \
            self.tr("SVG drawings (*.svg)")
        path, _filter = QFileDialog.getSaveFileName(self, title, f"network.{kind}", pattern)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != f".{kind}":
            target = target.with_suffix(f".{kind}")
        try:
            if kind == "png":
                if not self.scene.save_png(target):
                    raise OSError(f"Could not write {target}")
            else:
                self.scene.save_svg(target, self.tr("Network of organizations"))
        except OSError:
            QMessageBox.warning(self, title, self.tr(
                "The picture could not be saved to %1. Choose another folder and try again."
            ).replace("%1", str(target)))
