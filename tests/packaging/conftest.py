"""A main window on a test database; the frozen-app build is `slow`, skipped unless asked for
with `-m slow` (or PARTNERDESK_SLOW=1)."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture
def window(qtbot: Any, desk: Any, tmp_path: Path) -> Iterator[Any]:
    from partnerdesk.ui.main_window import MainWindow

    made = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    made.set_desk(desk)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.close()
    made.deleteLater()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.getoption("-m") or "") or os.environ.get("PARTNERDESK_SLOW"):
        return
    skip = pytest.mark.skip(reason="builds the app bundle: use -m slow or PARTNERDESK_SLOW=1")
    for item in items:
        if "slow" in item.keywords and "tests/packaging" in str(item.path).replace("\\", "/"):
            item.add_marker(skip)
