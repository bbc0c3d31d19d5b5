"""One API style: `desk.<area>.<verb>()`, with areas that load their libraries only when
a verb is called (the window appears before the heavy imports)."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from partnerdesk.services import Desk
from partnerdesk.sharing.exporter import Scope

HEAVY = ("partnerdesk.sharing.", "partnerdesk.reports", "partnerdesk.services.duplicates",
         "partnerdesk.services.gaps", "partnerdesk.services.network", "reportlab", "rapidfuzz")


def test_the_areas_load_nothing_until_a_verb_is_called(tmp_path: Path) -> None:
    code = f"""
import json, sys
from partnerdesk.services import Desk
desk = Desk.open({str(tmp_path / "lazy.db")!r})
areas = [desk.sharing, desk.interchange, desk.duplicates, desk.resource_map, desk.reports,
         desk.backups]
before = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))
desk.sharing.imports()
after = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))
desk.close()
print(json.dumps([before, after]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ,
                                           "PARTNERDESK_DATA_DIR": str(tmp_path / "data")})
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert before == []
    assert "partnerdesk.sharing.undo" in after


def test_a_bundle_goes_out_and_comes_back_in_through_desk_sharing(desk: Desk,
                                                                  tmp_path: Path) -> None:
    desk.organizations.create(name="Northside Food Bank")
    target = tmp_path / "out.partnerdesk"
    result = desk.sharing.export(target, Scope.everything())
    assert result.total >= 1 and target.is_file()
    with Desk.open(tmp_path / "other.db") as other:
        bundle = other.sharing.read_bundle(target)
        preview = other.sharing.preview(bundle, target.name)
        assert preview.counts()["new"] >= 1
        done = other.sharing.import_bundle(bundle, source=str(target), name=target.name)
        assert [o.name for o in other.organizations.list()] == ["Northside Food Bank"]
        assert [b.id for b in other.sharing.imports()] == [done.batch_id]
        assert other.sharing.check_undo(done.batch_id).touched >= 1
        other.sharing.undo_import(done.batch_id)
        assert other.organizations.list() == []
        assert other.sharing.conflicts() == []


def test_spreadsheets_go_out_and_back_through_desk_interchange(desk: Desk,
                                                               tmp_path: Path) -> None:
    desk.contacts.create(name="Ana Ruiz", tags=["food"])
    path = tmp_path / "contacts.csv"
    assert desk.interchange.export_csv("contact", path) == 1
    with Desk.open(tmp_path / "other.db") as other:
        plan = other.interchange.plan_csv(other.interchange.open_csv(path, "contact"))
        result = other.interchange.apply(plan)
        assert result.counts["new"] == 1
        assert [c.name for c in other.contacts.list()] == ["Ana Ruiz"]
    assert desk.interchange.export_vcard(tmp_path / "c.vcf") == 1
    assert desk.interchange.export_ical(tmp_path / "c.ics") >= 0


def test_duplicates_resource_map_reports_and_reviews_answer_on_the_desk(desk: Desk) -> None:
    first = desk.contacts.create(name="Maria Lopez", emails=[{"address": "m@example.org",
                                                              "kind": "work"}])
    second = desk.contacts.create(name="María López", emails=[{"address": "m@example.org",
                                                               "kind": "home"}])
    pairs = desk.duplicates.find(["contact"])
    assert [(p.first_id, p.second_id) in ((first.id, second.id), (second.id, first.id))
            for p in pairs] == [True]
    desk.duplicates.mark_not_duplicates("contact", first.id, second.id)
    assert desk.duplicates.find(["contact"]) == []

    assert desk.resource_map.coverage() == [] and desk.resource_map.directory() == []
    assert desk.reports.page_size() in ("letter", "a4")

    ship = desk.partnerships.create(title="Healthy pantries")
    desk.reviews.record(ship.id, reviewed_on=date(2026, 5, 1),
                        scores={"trust": {"score": 4, "comment": ""}},
                        next_steps="Share the referral numbers")
    assert [r.average for r in desk.reviews.trend(ship.id).reviews] == [4.0]
    assert desk.reviews.problems({"partnership_id": ship.id, "reviewed_on": date(2026, 5, 2),
                                  "scores": {}})  # no score given yet
    assert [a.description for a in desk.action_items.list()] == ["Share the referral numbers"]
