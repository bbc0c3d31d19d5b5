"""The shortcuts that make a large import fast give exactly the answers of the slow paths.

An e-mail address at a host name already accepted skips the full check; phone numbers are
cached by number and region; the importer skips checks that can only warn; canonical JSON
and revisions are built from parts. Each is compared here with what it replaces.
"""

import json
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdesk.db import records as r
from partnerdesk.db.bulk import json_text
from partnerdesk.services import validation
from partnerdesk.services.store import user_fields
from partnerdesk.services.versioning import StampEncoder, compute_rev, rev_from_parts
from partnerdesk.sharing import limits
from partnerdesk.sharing.exporter import export_bundle
from partnerdesk.sharing.importer import import_file
from tests.sharing.test_hostile import Laptops, edit_lines, members, rebuild, refused


def reference_email(address: str) -> tuple[str, str | None]:
    """What `check_email` answered before it had a shortcut."""
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return address, f"“{address}” is not a valid e-mail address ({error})."
    return result.normalized, None


TRICKY = [
    "ida@example.org", "Ida.Lee+news@example.org", "ida@Example.ORG", "a..b@example.org",
    ".ida@example.org", "ida.@example.org", "Postmaster@example.org", "ABUSE@example.org",
    "x" * 64 + "@example.org", "x" * 65 + "@example.org",
    "x" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 50 + ".org",
    "x" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 63 + ".org",
    "zoë@example.org", "ida@exämple.org", "ida@xn--exmple-cua.org", "ida@localhost",
    "ida@example.invalid", "ida@example.test", "ida@-example.org", "ida@example-.org",
    "ida@example", "ida@example.123", "ida@[127.0.0.1]", '"ida lee"@example.org',
    "Ida <ida@example.org>", "ida@@example.org", "ida@example..org", "ida@example.org.",
    "ida @example.org", "ida@exa mple.org", "i\u0301da@example.org", "ida@ex_ample.org",
    "ida#1@example.org", "a@b.co", "",
]


@pytest.mark.parametrize("address", TRICKY)
def test_email_answers_do_not_depend_on_what_was_checked_before(address: str) -> None:
    expected = reference_email(address)
    assert validation.check_email(address) == expected
    # prime the host name (and the exact address) the shortcut looks for, then ask again
    domain = address.rpartition("@")[2]
    validation.check_email(f"someone@{domain}")
    validation.check_email(f"someone@{domain.lower()}")
    assert validation.check_email(address) == expected


LOCAL = st.text(alphabet=string.ascii_letters + string.digits + "._+-!#'", min_size=0,
                max_size=70)
HOSTS = st.sampled_from(["example.org", "partner.org", "Example.org", "localhost",
                         "example.invalid", "a-b.example.co.uk", "exämple.org"])


@settings(max_examples=300, deadline=None)
@given(local=LOCAL, host=HOSTS)
def test_generated_addresses_match_the_full_check(local: str, host: str) -> None:
    validation.check_email(f"primer@{host}")
    address = f"{local}@{host}"
    assert validation.check_email(address) == reference_email(address)


def test_a_cached_phone_is_not_reused_for_another_region() -> None:
    number = "06 12 34 56 78"
    assert validation.check_phone(number, "FR") == ("+33612345678", None)
    normalised, warning = validation.check_phone(number, "US")
    assert normalised == number and warning and "does not look like a phone number" in warning
    assert validation.check_phone(number, "FR") == ("+33612345678", None)


def test_skipping_warnings_changes_no_error() -> None:
    values = {"name": "Ida", "phones": [{"number": "12", "kind": "work"}],
              "emails": [{"address": "not an address"}]}
    warned = validation.clean(r.Contact, dict(values), validation.Context())
    quiet = validation.clean(r.Contact, dict(values), validation.Context(warnings=False))
    assert [p.message for p in warned if not p.warning] == [p.message for p in quiet]
    assert any(p.warning and p.field == "phones" for p in warned)
    assert not any(p.warning for p in quiet)


def test_a_bundle_with_a_bad_address_at_a_known_host_is_refused(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    # "ida@example.org" arrives in the same bundle, so the host is known when the bad
    # address (two dots in a row) is checked: the shortcut must not accept it
    def second_address(line: dict[str, object]) -> None:
        line["values"]["emails"] = [  # type: ignore[index]
            {"address": "ida@example.org", "kind": "work"},
            {"address": "ida..lee@example.org", "kind": "home"}]

    found = edit_lines(members(good), "contact", second_address)
    refused(laptops("target"), rebuild(found, tmp_path / "x.partnerdesk"),
            "“ida..lee@example.org” is not a valid e-mail address")


def test_a_bundle_with_an_odd_phone_is_imported_as_typed(
        laptops: Laptops, good: Path, tmp_path: Path) -> None:
    found = edit_lines(members(good), "contact", lambda line: line["values"].update(
        phones=[{"number": "call the front desk", "kind": "work"}]))
    target = laptops("target")
    result = import_file(target, rebuild(found, tmp_path / "x.partnerdesk"))
    assert result.preview.counts()["new"] >= 2
    (ida,) = target.contacts.list()
    assert ida.phones == [{"number": "call the front desk", "kind": "work"}]


def test_imported_rows_keep_their_revision_and_json(laptops: Laptops, tmp_path: Path) -> None:
    home = laptops("home")
    org = home.organizations.create(name="Harbor Clinic", email="desk@harbor.org")
    home.contacts.create(name="Ida", organization_id=org.id, tags=[],
                         emails=[{"address": "ida@harbor.org"}],
                         last_contacted=date(2026, 3, 1))
    path = tmp_path / "b.partnerdesk"
    exported = export_bundle(home, path).total
    target = laptops("target")
    import_file(target, path)
    # every stored row: JSON columns read back as the values, rev matches the state
    table = r.Contact.__tablename__  # type: ignore[attr-defined]
    with target.store.engine.connect() as connection:  # the stored values, not the ORM's
        row = connection.exec_driver_sql(
            f"SELECT stamps, vv, delete_ctx, emails, tags, rev FROM {table}").one()
    # SQLite holds JSON text; psycopg reads PostgreSQL's json as the values
    stamps, vv, delete_ctx, emails, tags = (json.loads(value) if isinstance(value, str)
                                            else value for value in row[:5])
    rev = row[5]
    (ida,) = target.contacts.list()
    assert stamps == ida.stamps and vv == ida.vv
    assert delete_ctx == {} and tags == []
    assert emails == [{"address": "ida@harbor.org", "kind": "work"}]
    values = {name: getattr(ida, name) for name in user_fields(r.Contact)}
    assert rev == compute_rev(values, ida.stamps, ida.vv, ida.delete_ctx)
    assert rev == ida.rev
    assert import_file(target, path).preview.counts()["unchanged"] == exported


@pytest.mark.parametrize("values", [
    {}, {"name": "Zoë", "when": date(2026, 1, 2), "at": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
         "tags": ["a", "b"], "scores": {"x": {"score": 3}}, "n": None, "f": 1.5, "ok": True},
])
def test_revision_from_parts_is_the_revision(values: dict[str, object]) -> None:
    stamps = {"name": [3, "dev-b"], "when": [1, "dev-a"]}
    vv, delete_ctx = {"dev-a": 1, "dev-b": 3}, {"dev-a": 1}
    encoder = StampEncoder()
    assert rev_from_parts(values, encoder.stamps(stamps), encoder.vector(vv),
                          encoder.vector(delete_ctx)) == compute_rev(values, stamps, vv,
                                                                     delete_ctx)


def test_encoder_tells_stamp_patterns_apart() -> None:
    encoder = StampEncoder()
    a = encoder.stamps({"name": [1, "dev-a"], "role": [1, "dev-a"]})
    b = encoder.stamps({"name": [1, "dev-b"], "role": [1, "dev-a"]})
    c = encoder.stamps({"role": [1, "dev-a"], "name": [1, "dev-a"]})  # same, other order
    assert json.loads(a) == {"name": [1, "dev-a"], "role": [1, "dev-a"]}
    assert json.loads(b)["name"] == [1, "dev-b"] and a == c
    encoder.LIMIT = 2
    for counter in range(5):
        assert json.loads(encoder.vector({"dev": counter})) == {"dev": counter}
    assert len(encoder.known_vectors) <= 2


@pytest.mark.parametrize("value", [[], {}, None, 0, False, "", [{"address": "zoë@x.org"}],
                                   {"b": 1, "a": [1, "x"]}, [[]]])
def test_json_text_is_what_sqlalchemy_stores(value: object) -> None:
    assert json_text(value) == json.dumps(value)


@pytest.mark.parametrize(("stamps", "ok"), [
    ({"a": [1, "d"], "b": [2, "e"]}, True), ({}, True), ({"a": [True, "d"]}, False),
    ({"a": [1, "d"], "b": [True, "d"]}, False), ({"a": [-1, "d"]}, False),
    ({"a": [1.0, "d"]}, False), ({"a": [1, "d" * 65]}, False), ({"a": [1, "d", 3]}, False),
    ({"a": "1d"}, False), ({"a": [[1], "d"]}, False), ({"a": [1, 2]}, False), ([], False),
])
def test_damaged_stamps_are_still_refused(stamps: object, ok: bool) -> None:
    line = {"id": "x", "values": {"name": "Food"}, "stamps": stamps, "vv": {},
            "delete_ctx": {}}
    if ok:
        line["rev"] = compute_rev(line["values"], stamps, {}, {})  # type: ignore[arg-type]
        assert limits.check_line(line, "tag", "here", "b")["stamps"] == stamps
    else:
        with pytest.raises(limits.BundleError, match="damaged stamps"):
            limits.check_line(line, "tag", "here", "b")


@pytest.mark.parametrize("vector", [{"d": True}, {"d": -1}, {"d": 1.0}, {"d" * 65: 1}, [1]])
def test_damaged_version_vectors_are_still_refused(vector: object) -> None:
    line = {"id": "x", "values": {}, "stamps": {}, "vv": vector, "delete_ctx": {}}
    with pytest.raises(limits.BundleError, match="damaged version information"):
        limits.check_line(line, "tag", "here", "b")


def test_pathway_titles_name_organizations_whatever_the_ids(laptops: Laptops,
                                                            tmp_path: Path) -> None:
    # Records are written in id order within each type; the types keep their order, so a
    # pathway (whose search title names its organizations) comes after them even when its
    # id sorts first.
    home = laptops("home")
    clinic = home.organizations.create(name="Harbor Clinic")
    pantry = home.organizations.create(name="Eastside Pantry")
    home.referral_pathways.create(from_organization_id=clinic.id, to_organization_id=pantry.id)
    path = tmp_path / "b.partnerdesk"
    export_bundle(home, path)
    renamed = {clinic.id: "ffffffff-0000-4000-8000-000000000001",
               pantry.id: "ffffffff-0000-4000-8000-000000000002"}

    def rename_org(line: dict[str, object]) -> None:
        line["id"] = renamed[str(line["id"])]

    def rename_pathway(line: dict[str, object]) -> None:
        line["id"] = "00000000-0000-4000-8000-000000000000"
        values = line["values"]
        for key in ("from_organization_id", "to_organization_id"):
            values[key] = renamed[values[key]]  # type: ignore[index]

    found = edit_lines(members(path), "organization", rename_org)
    found = edit_lines(found, "referral_pathway", rename_pathway)
    target = laptops("target")
    import_file(target, rebuild(found, tmp_path / "renamed.partnerdesk"))
    hits = [hit.title for hit in target.search("harbor") if hit.record_type == "referral_pathway"]
    assert hits == ["Harbor Clinic → Eastside Pantry"]
