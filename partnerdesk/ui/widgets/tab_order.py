"""Tab goes through a form in the order it is laid out.

Qt's Tab order is the order widgets joined the window, so a row added later (a second
e-mail address, the rows of a list filled on load) ends up after everything else and Tab
seems to skip it. `follow_layout(root)` walks the layouts (form rows top to bottom, boxes
in order, grids by row) and chains every Tab stop under `root` in that order.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

# Widgets whose inner parts belong to them (a spin box's text, a combo's list).
LEAVES = (QLineEdit, QAbstractSpinBox, QComboBox, QAbstractButton, QAbstractItemView,
          QPlainTextEdit, QTextEdit, QTabBar)


def is_stop(widget: QWidget) -> bool:
    """In the Tab chain: it takes Tab focus itself, or hands it to a focus proxy inside it
    (a search picker to its text, a tab widget to its tab bar). Such a compound widget
    keeps its place in the chain, with its insides after it, or Tab jumps back to it."""
    proxy = widget.focusProxy()
    if proxy is not None:
        return widget.isAncestorOf(proxy)
    return widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus


def _compound(widget: QWidget) -> bool:
    proxy = widget.focusProxy()
    return proxy is not None and widget.isAncestorOf(proxy)


def _layout_widgets(layout: QLayout) -> list[QWidget]:
    found: list[QWidget] = []
    items = []
    if isinstance(layout, QFormLayout):
        for row in range(layout.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = layout.itemAt(row, role)
                if item is not None:
                    items.append(item)
    elif isinstance(layout, QGridLayout):
        placed = []
        for index in range(layout.count()):
            row, column, _rows, _columns = layout.getItemPosition(index)
            placed.append((row, column, index))
        items = [layout.itemAt(index) for _row, _column, index in sorted(placed)]
    else:
        items = [layout.itemAt(index) for index in range(layout.count())]
    for item in items:
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found += _layout_widgets(item.layout())
    return found


def layout_order(root: QWidget) -> list[QWidget]:
    """Every Tab stop under `root`, in the order the layouts show them."""
    order: list[QWidget] = []

    def visit(widget: QWidget) -> None:
        if widget is not root and widget.isWindow():
            return
        if is_stop(widget):
            order.append(widget)
        if isinstance(widget, LEAVES):
            return
        if isinstance(widget, QTabWidget):  # its tab bar (its focus proxy), then its pages
            for index in range(widget.count()):
                visit(widget.widget(index))
            return
        if _compound(widget):  # a picker: its insides are its own
            return
        if isinstance(widget, QScrollArea):
            if widget.widget() is not None:
                visit(widget.widget())
            return
        if isinstance(widget, QStackedWidget):
            for index in range(widget.count()):
                visit(widget.widget(index))
            return
        seen: set[QWidget] = set()
        if widget.layout() is not None:
            for child in _layout_widgets(widget.layout()):
                seen.add(child)
                visit(child)
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for child in widget.findChildren(QWidget, options=direct):
            if child not in seen:  # placed by hand, outside any layout: after the rest
                visit(child)

    visit(root)
    return order


def follow_layout(root: QWidget) -> None:
    """Chain the Tab stops under `root` in layout order (call again after adding rows)."""
    chain = layout_order(root)
    for first, second in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(first, second)
