"""The coverage rules of the gap analysis."""

import pytest

from partnerdesk.services import Desk
from partnerdesk.services.desk import category_id
from partnerdesk.services.gaps import areas_overlap, coverage, need_coverage, set_links

FOOD = category_id("Food")
HOUSING = category_id("Housing")


@pytest.fixture
def orgs(desk: Desk) -> tuple[str, str]:
    first = desk.organizations.create(name="Northside Food Bank", kind="community_group").id
    second = desk.organizations.create(name="St. Brigid's Parish", kind="faith_based").id
    return first, second


def _need(desk: Desk, **values: object) -> str:
    base = {"title": "Food after discharge", "category_id": FOOD, "priority": "high",
            "area": "East side"}
    return desk.needs.create(**(base | values)).id


def _resource(desk: Desk, org: str, **values: object) -> str:
    base = {"name": "Grocery boxes", "organization_id": org, "category_id": FOOD,
            "service_area": "East side"}
    return desk.resources.create(**(base | values)).id


def test_a_need_with_no_resource_is_unmet(desk: Desk) -> None:
    need = _need(desk)
    line = need_coverage(desk, need)
    assert line.coverage == "unmet"
    assert line.resources == ()


def test_one_provider_is_thin_and_two_are_covered(desk: Desk, orgs: tuple[str, str]) -> None:
    need = _need(desk)
    _resource(desk, orgs[0])
    _resource(desk, orgs[0], name="Hot meals")  # same provider: still one
    assert need_coverage(desk, need).coverage == "thin"
    assert "Only one organization" in need_coverage(desk, need).reason
    _resource(desk, orgs[1], name="Parish pantry")
    assert need_coverage(desk, need).coverage == "covered"


def test_capacity_below_what_the_need_states_is_thin(desk: Desk,
                                                      orgs: tuple[str, str]) -> None:
    need = _need(desk, needed_capacity=100)
    _resource(desk, orgs[0], capacity=40)
    _resource(desk, orgs[1], name="Parish pantry", capacity=50)
    line = need_coverage(desk, need)
    assert line.coverage == "thin"
    assert "90 of the 100" in line.reason
    desk.resources.update(_resource(desk, orgs[1], name="More boxes"), capacity=10)
    assert need_coverage(desk, need).coverage == "covered"


def test_other_categories_and_other_areas_do_not_count(desk: Desk,
                                                       orgs: tuple[str, str]) -> None:
    need = _need(desk)
    _resource(desk, orgs[0], category_id=HOUSING)
    _resource(desk, orgs[1], service_area="Northgate")
    assert need_coverage(desk, need).coverage == "unmet"


def test_explicit_link_overrides_category_matching(desk: Desk, orgs: tuple[str, str]) -> None:
    need = _need(desk)
    _resource(desk, orgs[0])
    _resource(desk, orgs[1], name="Parish pantry")
    shelter = _resource(desk, orgs[1], name="Family shelter", category_id=HOUSING,
                        service_area="Northgate")
    assert need_coverage(desk, need).coverage == "covered"
    set_links(desk, need, [shelter])
    line = need_coverage(desk, need)
    assert line.linked
    assert [m.name for m in line.resources] == ["Family shelter"]
    assert line.coverage == "thin"
    set_links(desk, need, [])  # back to matching by category
    assert need_coverage(desk, need).coverage == "covered"
    set_links(desk, need, [shelter])  # the old link is restored, not duplicated
    assert desk.need_resource_links.count() == 1


def test_deleted_resources_never_count(desk: Desk, orgs: tuple[str, str]) -> None:
    need = _need(desk)
    boxes = _resource(desk, orgs[0])
    pantry = _resource(desk, orgs[1], name="Parish pantry")
    desk.resources.delete(pantry)
    assert need_coverage(desk, need).coverage == "thin"
    desk.resources.delete(boxes)
    assert need_coverage(desk, need).coverage == "unmet"
    # nor does a deleted resource linked explicitly
    set_links(desk, need, [boxes])
    line = need_coverage(desk, need)
    assert (line.coverage, line.linked) == ("unmet", True)


def test_resources_of_deleted_organizations_do_not_count(desk: Desk,
                                                         orgs: tuple[str, str]) -> None:
    need = _need(desk)
    _resource(desk, orgs[0])
    desk.organizations.delete(orgs[0])
    assert need_coverage(desk, need).coverage == "unmet"


@pytest.mark.parametrize(("need", "offer", "expected"), [
    ("East side", "east  SIDE", True),
    ("East side", "", True),
    ("", "Northgate", True),
    ("East side", "County", True),
    ("Northgate", "Citywide", True),
    ("Lakeview", "Lakeview district", True),
    ("Sévres", "sevres", True),
    ("East side, Northgate", "Northgate", True),
    ("East side", "Northgate", False),
    ("East side", "West side", False),
])
def test_areas_overlap(need: str, offer: str, expected: bool) -> None:
    assert areas_overlap(need, offer) is expected


def test_sample_data_coverage(demo_desk: Desk) -> None:
    lines = {line.need: line for line in coverage(demo_desk)}
    assert lines["Interpreters for Haitian Creole speakers"].coverage == "unmet"
    food = lines["Food insecurity after hospital discharge"]
    assert food.linked and food.coverage == "thin"  # 60 meals a week for 100 households
    priorities = [line.priority for line in coverage(demo_desk)]
    assert priorities == sorted(priorities, key=["high", "medium", "low"].index)
