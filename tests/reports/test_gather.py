"""Stage 1: what goes into a report object, and what never does."""

from dataclasses import FrozenInstanceError, asdict
from datetime import date

import pytest

from partnerdesk.errors import PartnerDeskError
from partnerdesk.reports.charts import diagram_positions, frame_scale, label_footprints
from partnerdesk.services import Desk
from partnerdesk.services.gaps import coverage
from partnerdesk.services.network_positions import overlaps, save_positions
from partnerdesk.services.reporting import (
    KINDS,
    ReportOptions,
    agreements_register,
    contact_directory,
    covers_period,
    default_page_size,
    funding_register,
    gather,
    meeting_minutes,
    page_size,
    partnership_report,
    resource_map_report,
)
from tests.conftest import TODAY
from tests.reports.conftest import INTERNAL_NOTES, NOT_SHARED, latest_meeting, options_for


def _flat(report: object) -> str:
    return repr(asdict(report))  # type: ignore[call-overload]


def test_partnership_report_holds_the_partnership(sample_desk: Desk) -> None:
    report = partnership_report(sample_desk, "food as medicine", today=TODAY)
    assert report.title == "Food as Medicine"
    assert [name for name, _ in report.partners] == ["Mercy General Hospital",
                                                     "Northside Food Bank"]
    assert report.status == "Active"
    assert {m.state for m in report.milestones} == {"done", "overdue", "due"}
    assert all(len(series.points) == 12 for series in report.indicators)
    assert [a.title for a in report.agreements][0] == "Food as Medicine MOU"
    mou = report.agreements[0]
    assert mou.flag == "expiring" and mou.days_left == 25
    assert {o.party for o in mou.obligations} == {"Eastside Community Partners",
                                                  "Mercy General Hospital",
                                                  "Northside Food Bank"}
    assert report.meetings and all(report.meta.period.contains(m.starts_at.date())
                                   for m in report.meetings)
    assert all(not a.done for a in report.actions)
    with pytest.raises(FrozenInstanceError):
        report.title = "changed"  # type: ignore[misc]


def test_partner_reports_never_hold_unshared_people_or_internal_notes(
        sample_desk: Desk) -> None:
    reports = [partnership_report(sample_desk, p.id, today=TODAY)
               for p in sample_desk.partnerships.list()]
    reports += [agreements_register(sample_desk, today=TODAY),
                resource_map_report(sample_desk, today=TODAY),
                contact_directory(sample_desk, today=TODAY),
                funding_register(sample_desk, today=TODAY)]
    reports += [meeting_minutes(sample_desk, m.id, today=TODAY)
                for m in sample_desk.meetings.list()]
    for report in reports:
        text = _flat(report)
        for name in NOT_SHARED:
            assert name not in text, (report.meta.title, name)
        for note in INTERNAL_NOTES:
            assert note not in text, (report.meta.title, note)


def test_unshared_owner_and_attendee_appear_only_as_their_organization(
        sample_desk: Desk) -> None:
    parish = partnership_report(sample_desk, "Faith Community", today=TODAY)
    assert parish.our_lead == "Someone from Eastside Community Partners"
    minutes = [meeting_minutes(sample_desk, m.id, today=TODAY)
               for m in sample_desk.meetings.list()]
    assert any("1 person from Eastside Community Partners" in m.unnamed_attendees
               for m in minutes)


def test_internal_directory_is_marked_and_complete(sample_desk: Desk) -> None:
    shared = contact_directory(sample_desk, today=TODAY)
    internal = contact_directory(sample_desk, include_internal=True, today=TODAY)
    assert shared.meta.for_partner and not internal.meta.for_partner
    assert shared.withheld == 3
    names = {c.name for o in internal.organizations for c in o.contacts}
    assert set(NOT_SHARED) <= names
    assert "Asked not to be listed in partner reports." in _flat(internal)


def test_unknown_partnership_is_a_sentence(sample_desk: Desk) -> None:
    with pytest.raises(PartnerDeskError, match="no partnership called “Nope”"):
        partnership_report(sample_desk, "Nope", today=TODAY)
    with pytest.raises(PartnerDeskError, match="Choose a partnership"):
        partnership_report(sample_desk, None, today=TODAY)


def test_empty_or_backwards_period_is_refused(sample_desk: Desk) -> None:
    with pytest.raises(PartnerDeskError, match="Nothing is recorded"):
        partnership_report(sample_desk, "Food as Medicine", start=date(2010, 1, 1),
                           end=date(2010, 12, 31), today=TODAY)
    with pytest.raises(PartnerDeskError, match="ends .* before it starts"):
        partnership_report(sample_desk, "Food as Medicine", start=date(2026, 5, 1),
                           end=date(2026, 1, 1), today=TODAY)
    with pytest.raises(PartnerDeskError, match="No agreement was in force"):
        agreements_register(sample_desk, start=date(2001, 1, 1), end=date(2001, 2, 1),
                            today=TODAY)


def test_register_groups_by_status_and_flags(sample_desk: Desk) -> None:
    register = agreements_register(sample_desk, today=TODAY)
    assert [label for label, _ in register.groups] == [
        "Draft", "Negotiating", "Signed", "Active", "Expired", "Terminated"]
    flags = {line.title: line.flag for _, lines in register.groups for line in lines}
    assert flags["Summer Meals Agreement"] == "expired_active"
    assert flags["Food as Medicine MOU"] == "expiring"
    assert flags["Screening Services Agreement"] == ""
    in_2026 = agreements_register(sample_desk, start=date(2026, 6, 1), end=date(2026, 6, 30),
                                  today=TODAY)
    assert in_2026.count < register.count


def test_resource_map_gaps_are_the_apps_gaps(sample_desk: Desk) -> None:
    report = resource_map_report(sample_desk, today=TODAY)
    expected = [(c.need, c.coverage_label, c.reason) for c in coverage(sample_desk)
                if c.coverage != "covered"]
    assert [(g.need, g.coverage, g.reason) for g in report.gaps] == expected
    gaps = {g.need: g for g in report.gaps}
    assert gaps["Interpreters for Haitian Creole speakers"].unmet
    assert gaps["Food insecurity after hospital discharge"].reason == \
        "The linked resources offer 60 of the 100 needed."
    assert gaps["Rides to dialysis appointments"].coverage == "Thin"  # one provider only
    assert report.pinned == {}
    assert report.unlinked_organizations == 1


def test_resource_map_keeps_where_people_dragged_nodes(demo_desk: Desk) -> None:
    network = resource_map_report(demo_desk, today=TODAY).network
    automatic = diagram_positions(network, {}, 504, 460)
    assert set(automatic) == {n.id for n in network.nodes}
    assert overlaps(automatic, label_footprints(network), frame_scale(504, 460)) == []
    moved = next(n.id for n in network.nodes if not n.is_us)
    save_positions(demo_desk, {moved: (0.5, -0.75)})
    report = resource_map_report(demo_desk, today=TODAY)
    assert report.pinned == {moved: (0.5, -0.75)}
    positions = diagram_positions(report.network, report.pinned, 504, 460)
    assert positions[moved] == (0.5, -0.75)
    assert set(positions) == {n.id for n in report.network.nodes}


def test_options_that_do_not_apply_are_refused(sample_desk: Desk) -> None:
    with pytest.raises(PartnerDeskError, match="only be included in the contact directory"):
        gather(sample_desk, ReportOptions("agreements", include_internal=True))
    with pytest.raises(PartnerDeskError, match="cover a period"):
        gather(sample_desk, ReportOptions("directory", start=date(2026, 1, 1)))
    with pytest.raises(PartnerDeskError, match="no meeting"):
        gather(sample_desk, ReportOptions("minutes", meeting="missing"))
    assert gather(sample_desk, ReportOptions(
        "minutes", meeting=latest_meeting(sample_desk), today=TODAY)).actions


def test_which_reports_cover_a_period_is_decided_once(sample_desk: Desk) -> None:
    for key in KINDS:
        options = ReportOptions(key, start=date(2026, 1, 1), end=date(2026, 6, 30),
                                partnership=None, meeting=latest_meeting(sample_desk))
        if covers_period(key):
            continue  # the period is taken (the reports themselves are tested above)
        with pytest.raises(PartnerDeskError, match="cover a period"):
            gather(sample_desk, options)
    assert [key for key in KINDS if covers_period(key)] == ["partnership", "agreements",
                                                            "funding"]
    with pytest.raises(PartnerDeskError, match="not a kind of report"):
        covers_period("budget")


def test_page_size_setting_and_locale(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, expected in (("en_US.UTF-8", "letter"), ("fr_CA.UTF-8", "letter"),
                           ("de_DE.UTF-8", "a4"), ("en_GB.UTF-8", "a4"),
                           ("es_MX.UTF-8", "letter")):
        monkeypatch.setenv("LC_PAPER", name)
        assert default_page_size() == expected, name
    monkeypatch.setenv("LC_PAPER", "en_GB.UTF-8")
    assert page_size(desk) == "a4"
    desk.settings.page_size = "letter"
    assert page_size(desk) == "letter"
    assert page_size(desk, "A4") == "a4"
    with pytest.raises(PartnerDeskError, match="letter or a4"):
        page_size(desk, "legal")


def test_register_names_parties_duties_and_partnership_from_their_records(desk: Desk) -> None:
    us = desk.organizations.create(name="Eastside Community Partners", is_us=True,
                                   phone="+16174716506")
    gone = desk.organizations.create(name="Closed Clinic")
    ship = desk.partnerships.create(title="Food as Medicine")
    mou = desk.agreements.create(title="Food MOU", status="active", partnership_id=ship.id,
                                 expiry_date=date(2026, 7, 1))
    desk.agreements.create(title="Loose MOU", status="draft")
    for org in (us, gone):
        desk.agreement_parties.create(agreement_id=mou.id, organization_id=org.id)
    desk.obligations.create(agreement_id=mou.id, description="Report each month")
    desk.obligations.create(agreement_id=mou.id, organization_id=us.id,
                            description="Deliver boxes")
    desk.milestones.create(partnership_id=ship.id, title="First boxes", due_date=date(2026, 3, 1))
    desk.organizations.delete(gone.id)

    register = agreements_register(desk, today=date(2026, 6, 15))
    lines = {line.title: line for _, group in register.groups for line in group}
    # the deleted organization is still named, as the agreement names it
    assert lines["Food MOU"].parties == ("Closed Clinic", "Eastside Community Partners")
    assert lines["Food MOU"].partnership == "Food as Medicine"
    assert lines["Food MOU"].flag == "expiring" and lines["Food MOU"].days_left == 16
    assert lines["Loose MOU"].parties == () and lines["Loose MOU"].partnership == ""
    assert register.meta.letterhead.organization == "Eastside Community Partners"
    assert register.meta.letterhead.phone == "+1 617-471-6506"
    assert lines["Food MOU"].obligations == ()  # the register lists agreements only

    report = partnership_report(desk, "Food as Medicine", today=date(2026, 6, 15),
                                start=date(2026, 1, 1))
    assert [(o.party, o.description) for o in report.agreements[0].obligations] == [
        ("Eastside Community Partners", "Deliver boxes"), ("All parties", "Report each month")]


def test_phone_numbers_read_as_the_phone_library_writes_them() -> None:
    """Stored numbers are written for people without parsing them again where that is
    safe; the text is the library's own for every region's example numbers, and for
    numbers the parser reads otherwise or refuses."""
    import phonenumbers

    from partnerdesk.services.reporting.common import _e164_text, phone_text

    def parsed(number: str, region: str) -> str:
        try:
            found = phonenumbers.parse(number, None if number.startswith("+") else region)
        except phonenumbers.NumberParseException:
            return number
        return phonenumbers.format_number(found, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    numbers = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(11):  # every PhoneNumberType with examples
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                numbers.append(phonenumbers.format_number(
                    example, phonenumbers.PhoneNumberFormat.E164))
    quick = [number for number in numbers if _e164_text(number) is not None]
    assert len(quick) > len(numbers) * 0.8  # nearly every stored number takes the quick way
    numbers += ["+16175550101", "+1617555", "+39 06 6982", "+390669820000", "+12",
                "+999123456", "+5491123456789", "+11234567890", "+116175550101", "+4402071234567",
                "617-555-0101", "+1 (617) 555-0101", "0044 20 7123 4567"]
    for number in numbers:
        assert phone_text(number, "US") == parsed(number, "US"), number


@pytest.mark.parametrize("kind", ["partnership", "agreements", "resources", "funding",
                                  "directory", "minutes"])
def test_gathering_a_report_reads_no_merge_bookkeeping(sample_desk: Desk, kind: str) -> None:
    """No report shows stamps or version vectors, and decoding them was a third of
    gathering the partnership report: no statement a report runs reads them."""
    from sqlalchemy import event

    options = options_for(sample_desk, kind)
    statements: list[str] = []
    engine = sample_desk.store._reader_engine

    def seen(_connection: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        report = gather(sample_desk, options)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert report.meta is not None and statements
    reading = [s.split("FROM")[1][:60] for s in statements
               if ".stamps" in s or ".vv" in s or ".delete_ctx" in s]
    assert reading == []
