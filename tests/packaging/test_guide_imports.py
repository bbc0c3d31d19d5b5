"""The user guide explains importing with the names the app itself shows, so the two
cannot drift apart (issue 17)."""

import re
from pathlib import Path

from partnerdesk.ui.import_wizard import action_label
from partnerdesk.ui.interchange_menu import IMPORTS

GUIDE = Path(__file__).resolve().parents[2] / "resources" / "guide" / "index.html"


def guide_text() -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", GUIDE.read_text(encoding="utf-8")))


def test_the_guide_names_each_spreadsheet_and_address_book_import_as_the_menu_does() -> None:
    text = guide_text()
    for key, label in IMPORTS:
        if key != "hsds":
            assert label.rstrip("…") in text, label


def test_the_guide_explains_duplicates_problems_and_refusals(qapp) -> None:
    text = guide_text()
    for action in ("merge", "skip", "add"):
        assert action_label(action) in text
    for layout in ("Google Contacts", "Outlook", "Thunderbird", "Apple Contacts", "LinkedIn",
                   "CiviCRM", "vCard"):
        assert layout in text
    assert "What is refused:" in text and "your records stay exactly as they were" in text
