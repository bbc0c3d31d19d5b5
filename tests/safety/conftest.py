"""Long safety runs are marked `slow`: they run with `-m slow` or PARTNERDESK_SLOW=1."""

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = "slow" in (config.getoption("-m") or "") or os.environ.get("PARTNERDESK_SLOW")
    if wanted:
        return
    skip = pytest.mark.skip(reason="long run: use -m slow or PARTNERDESK_SLOW=1")
    for item in items:
        if "slow" in item.keywords and "tests/safety" in str(item.path).replace("\\", "/"):
            item.add_marker(skip)
