"""A record is called the same everywhere: lists, search, the import preview, the
conflicts list and the undo warning all take its title from `services.titles`."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from partnerdesk.db.registry import RECORD_TYPES
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from partnerdesk.services.titles import TITLE_FIELDS, short_title, title_field, title_of
from partnerdesk.sharing.conflicts import list_conflicts
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from partnerdesk.sharing.undo import EditedSinceError, undo_import
from tests.conftest import TODAY

Laptops = Callable[[str], Desk]


def test_every_title_field_is_a_field_of_its_record_type() -> None:
    assert set(TITLE_FIELDS) <= set(RECORD_TYPES)
    for name, model in RECORD_TYPES.items():
        assert title_field(name) == title_field(model)
        assert title_field(name) in model.model_fields  # "id" for the link rows


def test_the_preview_names_records_as_their_lists_do(laptops: Laptops, tmp_path: Path) -> None:
    home, office = laptops("home"), laptops("office")
    load_demo(home, today=TODAY)
    path = tmp_path / "all.partnerdesk"
    export_bundle(home, path)
    preview = import_file(office, path, dry_run=True).preview
    assert preview.items
    seen = set()
    for item in preview.items:
        service = home.service(item.record_type)
        if service.title_field == "id":
            assert item.title == ""
            continue
        row = service.get(item.record_id)
        expected = getattr(row, service.title_field)
        assert item.title == (expected.isoformat() if isinstance(expected, date)
                              else str(expected))[:120]
        seen.add(item.record_type)
    assert {"organization", "contact", "agreement", "meeting", "action_item",
            "referral_count"} <= seen


def test_a_pathway_is_named_by_its_organizations_in_search_and_conflicts(
        laptops: Laptops, tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    clinic = a.organizations.create(name="Harbor Clinic")
    pantry = a.organizations.create(name="Lakeside Pantry")
    pathway = a.referral_pathways.create(from_organization_id=clinic.id,
                                         to_organization_id=pantry.id)
    export_bundle(a, tmp_path / "1.partnerdesk")
    import_file(b, tmp_path / "1.partnerdesk")
    a.referral_pathways.update(pathway.id, notes="Fridays only")
    b.referral_pathways.update(pathway.id, notes="Mornings only")
    export_bundle(a, tmp_path / "2.partnerdesk")
    export_bundle(b, tmp_path / "3.partnerdesk")
    import_file(b, tmp_path / "2.partnerdesk")
    import_file(a, tmp_path / "3.partnerdesk")
    listed = list_conflicts(a) + list_conflicts(b)
    # b lists the clash it imported; a too when its own value was the one that lost
    assert 1 <= len(listed) <= 2
    assert {(c.record_id, c.title) for c in listed} == {
        (pathway.id, "Harbor Clinic → Lakeside Pantry")}
    hits = [h for h in a.search("harbor") if h.record_type == "referral_pathway"]
    assert [h.title for h in hits] == ["Harbor Clinic → Lakeside Pantry"]


def test_the_undo_warning_names_the_records_edited_since(laptops: Laptops,
                                                         tmp_path: Path) -> None:
    a, b = laptops("a"), laptops("b")
    mou = a.agreements.create(title="Food as Medicine MOU")
    export_bundle(a, tmp_path / "1.partnerdesk")
    result = import_file(b, tmp_path / "1.partnerdesk")
    b.agreements.update(mou.id, notes="Signed copy on file")
    with pytest.raises(EditedSinceError, match="Food as Medicine MOU"):
        undo_import(b, result.batch_id)


def test_titles_from_values_and_from_long_texts() -> None:
    assert title_of("partnership_review", {"reviewed_on": date(2026, 3, 1)}) == "2026-03-01"
    assert title_of("meeting_attendee", {"meeting_id": "m", "contact_id": "c"}) == ""
    assert title_of("contact", {"name": None}) == ""
    assert short_title("\n  Deliver boxes  \nevery Friday", 200) == "Deliver boxes"
    assert short_title("word " * 60, 20) == "word word word word…"
    assert short_title("", 20) == ""


def test_a_pathway_is_found_by_the_new_name_of_an_organization_it_joins(
        laptops: Laptops, tmp_path: Path) -> None:
    """Renamed by a save, by an import of another laptop's rename and by Undo: each time
    search names and finds the pathway by the organizations' names as they are now."""
    a, b = laptops("a"), laptops("b")
    clinic = a.organizations.create(name="Harbor Clinic")
    pantry = a.organizations.create(name="Lakeside Pantry")
    pathway = a.referral_pathways.create(from_organization_id=clinic.id,
                                         to_organization_id=pantry.id)
    a.referral_pathways.create(from_organization_id=pantry.id, to_organization_id=clinic.id,
                               notes="the other way")
    export_bundle(a, tmp_path / "1.partnerdesk")
    import_file(b, tmp_path / "1.partnerdesk")

    def pathways(desk: Desk, text: str) -> list[str]:
        return sorted(h.title for h in desk.search(text) if h.record_type == "referral_pathway")

    a.organizations.update(clinic.id, name="Northgate Health Centre")
    both = ["Lakeside Pantry → Northgate Health Centre",
            "Northgate Health Centre → Lakeside Pantry"]
    assert pathways(a, "northgate") == both
    assert pathways(a, "harbor") == []
    assert a.referral_pathways.count(text="northgate") == 2
    export_bundle(a, tmp_path / "2.partnerdesk")
    import_file(b, tmp_path / "2.partnerdesk")
    assert pathways(b, "northgate") == both
    assert pathways(b, "harbor") == []
    a.undo.undo()  # the rename
    assert pathways(a, "harbor") == ["Harbor Clinic → Lakeside Pantry",
                                     "Lakeside Pantry → Harbor Clinic"]
    assert pathways(a, "northgate") == []
    assert a.referral_pathways.get(pathway.id).deleted is False
