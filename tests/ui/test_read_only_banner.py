"""A database that cannot be changed says so for as long as the window shows it (issue 16,
case 10): a banner above the screens, not a message that is gone after one click."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from partnerdesk.services import Desk
from tests.safety.test_read_only_media import on_locked_card

__all__ = ["on_locked_card"]  # the fixture, used by name


def test_a_database_on_read_only_media_shows_a_banner_and_keeps_it(
        on_locked_card: Path, make_window: Callable[..., Any], qtbot: Any) -> None:
    with Desk.open(on_locked_card) as desk:
        window = make_window(desk)
        banner = window.read_only_banner
        assert banner.isVisible()
        assert "Read only" in banner.text() and "read-only" in banner.text()
        assert "cannot be saved" in banner.text()
        window.show_view("contacts")
        qtbot.wait(50)
        assert banner.isVisible()  # still there on another screen


def test_a_database_that_can_be_changed_shows_no_banner(
        tmp_path: Path, make_window: Callable[..., Any]) -> None:
    with Desk.open(tmp_path / "ours.db") as desk:
        window = make_window(desk)
        assert not window.read_only_banner.isVisible()
        assert window.read_only_banner.text() == ""
