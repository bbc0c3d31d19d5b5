"""Importing needs from an assessment's CSV, and keeping dragged network positions."""

from pathlib import Path

import pytest

from partnerdesk.services import Desk
from partnerdesk.services.needs_import import NeedsImportError, import_needs
from partnerdesk.services.network import build_network
from partnerdesk.services.network_positions import (
    Footprint,
    forget_positions,
    overlaps,
    positions_for,
    save_positions,
    saved_positions,
)

GOOD = ("Category,Description,Priority,Area,Needed capacity\n"
        "Food,Food insecurity after discharge,High,East side,100\n"
        "mental health,Counselling for isolated seniors,2,,\n"
        "Transport,Rides to dialysis,,County,\n")


def test_import_needs_adds_them_once(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = import_needs(desk, path, default_source="CHNA 2025")
    assert result.created == 3
    needs = {n.title: n for n in desk.needs.list()}
    assert needs["Food insecurity after discharge"].needed_capacity == 100
    assert needs["Counselling for isolated seniors"].priority == "medium"
    assert needs["Rides to dialysis"].source == "CHNA 2025"
    again = import_needs(desk, path)
    assert (again.created, again.skipped) == (0, 3)
    assert desk.needs.count() == 3


def test_a_bad_row_changes_nothing_and_names_the_row(desk: Desk) -> None:
    data = (GOOD + "Dentistry,Dental care,High,City,\nFood,Hot meals,urgent,,\n").encode()
    with pytest.raises(NeedsImportError) as caught:
        import_needs(desk, data)
    message = str(caught.value)
    assert "Row 5" in message and "Dentistry" in message
    assert "Row 6" in message and "urgent" in message
    assert desk.needs.count() == 0


def test_a_file_without_the_columns_is_refused(desk: Desk) -> None:
    with pytest.raises(NeedsImportError, match="description"):
        import_needs(desk, b"Category,Notes\nFood,x\n")
    assert desk.needs.count() == 0


def test_dragged_positions_are_kept_and_new_nodes_laid_out(demo_desk: Desk) -> None:
    network = build_network(demo_desk)
    shown = network.subset(network.linked_ids())
    first = positions_for(demo_desk, shown)
    assert first == positions_for(demo_desk, shown)  # deterministic
    moved = shown.nodes[1].id
    save_positions(demo_desk, {moved: (0.9, -0.8)})
    again = positions_for(demo_desk, shown)
    assert again[moved] == (0.9, -0.8)
    assert set(again) == {n.id for n in shown.nodes}
    forget_positions(demo_desk, [moved])
    assert moved not in saved_positions(demo_desk)


def test_sample_labels_do_not_overlap(demo_desk: Desk) -> None:
    network = build_network(demo_desk)
    shown = network.subset(network.linked_ids())
    feet = {n.id: Footprint(width=7 * len(n.name), above=6, below=26) for n in shown.nodes}
    positions = positions_for(demo_desk, shown, feet, (300, 240))
    assert overlaps(positions, feet, (300, 240)) == []
