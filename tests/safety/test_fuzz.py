"""Hostile and broken files: at least 500 per importer, zero unhandled exceptions,
and the database unchanged whenever a file is refused.

`partnerdesk restore` is fuzzed with malformed database files. The sharing importers
(bundle reader, CSV preview) are fuzzed when present; they are written by others
and join this test as they land.
"""

import contextlib
import hashlib
import importlib
import io
import shutil
import sqlite3
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerdesk.cli import main as cli_main
from partnerdesk.db.backup import integrity_ok
from partnerdesk.db.backup_folder import list_backups
from partnerdesk.errors import PartnerDeskError
from partnerdesk.paths import backups_dir
from partnerdesk.services import Desk

EXAMPLES = 500
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small PartnerDesk database, closed (no -wal), to restore over and to mutate."""
    path = tmp_path_factory.mktemp("fuzz") / "pristine.db"
    with Desk.open(path) as desk:
        org = desk.organizations.create(name="Riverside Clinic")
        for i in range(5):
            desk.contacts.create(name=f"Person {i}", organization_id=org.id)
    connection = sqlite3.connect(path)  # one self-contained file, as backups are
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


def foreign_database(payload: bytes) -> bytes:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE notes (body BLOB)")
    connection.execute("INSERT INTO notes VALUES (?)", (payload,))
    connection.commit()
    data = connection.serialize()
    connection.close()
    return data


def newer_database(base: bytes, revision: str) -> bytes:
    connection = sqlite3.connect(":memory:")
    connection.deserialize(base)
    connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.commit()
    data = connection.serialize()
    connection.close()
    return data


def malformed_databases(base: bytes) -> st.SearchStrategy["Case"]:
    """(kind, bytes), as a `Case`. Kinds in MUST_REFUSE can never be a usable backup."""
    return _malformed_databases(_Base(base))


class _Base:
    """Holds the valid database the cases start from (kept out of Hypothesis's reports)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __repr__(self) -> str:
        return f"<database of {len(self.data)} bytes>"


class Case:
    """One malformed file: its kind, how it was made (short enough for a CI log) and bytes."""

    def __init__(self, kind: str, data: bytes, how: str = "") -> None:
        self.kind, self.data, self.how = kind, data, how

    def __iter__(self) -> "Iterator[Any]":
        return iter((self.kind, self.data))

    def __repr__(self) -> str:
        digest = hashlib.sha256(self.data).hexdigest()[:12]
        return f"<{self.kind} {self.how} {len(self.data)} bytes sha256 {digest}>"


@st.composite
def _malformed_databases(draw: st.DrawFn, holder: _Base) -> Case:
    base = holder.data
    kind = draw(st.sampled_from(["random", "empty", "header-garbage", "truncated",
                                 "scribbled", "header-flip", "foreign", "newer"]))
    if kind == "random":
        return Case(kind, draw(st.binary(min_size=1, max_size=4096)))
    if kind == "empty":
        return Case(kind, b"")
    if kind == "header-garbage":
        return Case(kind, b"SQLite format 3\x00" + draw(st.binary(max_size=8192)))
    if kind == "truncated":
        size = draw(st.integers(1, len(base) - 1))
        return Case(kind, base[:size], f"to {size}")
    if kind == "scribbled":
        data = bytearray(base)
        spots = []
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(100, len(base) - 1))
            chunk = draw(st.binary(min_size=1, max_size=512))
            data[at:at + len(chunk)] = chunk
            spots.append(f"{at}+{len(chunk)}")
        return Case(kind, bytes(data[:len(base)]), "at " + ",".join(spots))
    if kind == "header-flip":
        data = bytearray(base)
        at = draw(st.integers(0, 99))
        mask = draw(st.integers(1, 255))
        data[at] ^= mask
        return Case(kind, bytes(data), f"byte {at} ^ {mask}")
    if kind == "foreign":
        return Case(kind, foreign_database(draw(st.binary(max_size=200))))
    revision = draw(st.text("abcdef0123456789", min_size=4, max_size=12))
    return Case(kind, newer_database(base, "z" + revision), f"revision z{revision}")


MUST_REFUSE = {"random", "empty", "header-garbage", "foreign", "newer"}


def test_restore_refuses_malformed_database_files(pristine: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.db"
    candidate = tmp_path / "candidate.db"
    base = pristine.read_bytes()
    target.write_bytes(base)
    original = file_hash(target)
    seen: dict[str, int] = {}

    @FUZZ
    @given(malformed_databases(base))
    def run(case: Case) -> None:
        kind, data = case
        seen[kind] = seen.get(kind, 0) + 1
        candidate.write_bytes(data)
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = cli_main(["--db", str(target), "restore", str(candidate)])
        assert code in (0, 1), f"{kind}: unhandled error: {out.getvalue()}"
        assert "Traceback" not in out.getvalue()
        if code == 1:
            assert file_hash(target) == original, f"{kind}: refused, but the database changed"
            assert not list(tmp_path.glob("target.db.restoring*"))
            return
        # Accepted: only possible when the scribble left a sound database behind.
        assert kind not in MUST_REFUSE, f"{kind} was restored"
        try:
            assert integrity_ok(target)
            with Desk.open(target):
                pass
        finally:
            # Back to the start for the next example: the database as it was and no
            # backups (each accepted restore backs the database up first; kept, they made
            # every later example list and thin a folder of hundreds).
            target.write_bytes(base)
            for suffix in ("-wal", "-shm"):
                target.with_name(target.name + suffix).unlink(missing_ok=True)
            shutil.rmtree(backups_dir(target), ignore_errors=True)

    run()
    assert sum(seen.values()) >= EXAMPLES
    assert seen.keys() >= MUST_REFUSE


def test_restore_of_a_malformed_file_takes_no_before_restore_backup(pristine: Path,
                                                                    tmp_path: Path) -> None:
    target = tmp_path / "target.db"
    target.write_bytes(pristine.read_bytes())
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(PartnerDeskError, match="not a usable PartnerDesk backup|cannot be read"):
        from partnerdesk.services.backups import Backups

        Backups(target).restore(junk)
    assert list_backups(target) == []


# -- the sharing importers, as they land -----------------------------------------------

def _importer(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


class Fingerprint:
    """Every row of every table of a desk's database file (records, history, settings,
    the search index and its shadow tables, ...), read in one statement: per table, its
    rows quoted and joined in order. Two equal readings: nothing changed."""

    def __init__(self, desk: Desk) -> None:
        assert desk.path is not None  # the fuzzed importers run on a database file
        # The desk's own writes are committed before a reading; a second connection,
        # read-only, sees exactly what is committed.
        self.connection = sqlite3.connect(f"file:{desk.path}?mode=ro", uri=True)
        parts = []
        for (table,) in self.connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            columns = [c[1] for c in self.connection.execute(
                f'SELECT * FROM pragma_table_info(\'{table}\')')]
            row = " || ',' || ".join(f'quote("{c}")' for c in columns)
            parts.append(f"SELECT '{table}', count(*), group_concat(row, char(10)) "
                         f'FROM (SELECT {row} AS row FROM "{table}" ORDER BY 1)')
        self.statement = " UNION ALL ".join(parts)
        assert len(parts) > 20  # every table, not a few

    def __call__(self) -> list[tuple[str, int, str | None]]:
        return self.connection.execute(self.statement).fetchall()

    def close(self) -> None:
        self.connection.close()


def zip_bytes(members: list[tuple[str, bytes]], manifest: bytes | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if manifest is not None:
            archive.writestr("manifest.json", manifest)
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


member_names = st.one_of(
    st.sampled_from(["../../evil.txt", "/etc/passwd", "records/contact.jsonl",
                     "records/organization.jsonl", "attachments/ab", "C:\\x", "a/../../b",
                     "manifest.json"]),
    # (a name that is only slashes cannot even be written into a zip)
    st.text(min_size=1, max_size=30).filter(
        lambda n: n.split("\x00")[0].replace("\\", "/").strip("/") != ""))
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)


@st.composite
def malformed_bundles(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["random", "zip", "manifest", "zipbomb-ish"]))
    if kind == "random":
        return draw(st.binary(max_size=4096))
    import json

    manifest = None
    if kind in ("manifest", "zipbomb-ish") or draw(st.booleans()):
        manifest = json.dumps(draw(json_like)).encode() if draw(st.booleans()) else draw(
            st.binary(max_size=200))
    members = draw(st.lists(st.tuples(member_names, st.binary(max_size=300)), max_size=5))
    if kind == "zipbomb-ish":
        members.append(("records/contact.jsonl", b"{" * draw(st.integers(1, 200_000))))
    return zip_bytes(members, manifest)


@st.composite
def malformed_csv(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["random", "text", "encoded", "long"]))
    if kind == "random":
        return draw(st.binary(max_size=4096))
    rows = draw(st.lists(st.lists(st.text(max_size=40), max_size=6), max_size=8))
    text = "\n".join(",".join(cells) for cells in [["Name", "Email", "Phone"], *rows])
    if kind == "encoded":
        encoding = draw(st.sampled_from(["utf-16", "utf-32", "latin-1", "utf-8-sig", "cp1252"]))
        return text.encode(encoding, errors="replace")
    if kind == "long":
        return ("Name\n" + "x" * draw(st.integers(1000, 300_000))).encode()
    return text.encode("utf-8", errors="surrogatepass")


def _read_bundle(desk: Desk, path: Path) -> None:
    read_file = _importer("partnerdesk.sharing.limits", "read_file")
    assert read_file is not None
    read_file(path)


def _plan_csv(desk: Desk, path: Path) -> None:
    plan_csv = _importer("partnerdesk.sharing.csv_import", "plan_csv")
    assert plan_csv is not None
    plan_csv(desk, path, "contact")


@st.composite
def malformed_vcards(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["random", "lines", "encoded"]))
    if kind == "random":
        return draw(st.binary(max_size=4096))
    pieces = ["BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "VERSION:3.0", "VERSION:4.0",
              "FN;ENCODING=QUOTED-PRINTABLE:Zo=C3=AB=", "N:;;;;", "EMAIL;TYPE=work:",
              "TEL;TYPE=cell:+1", "item1.X-ABLabel:", " folded", "ORG:", "=0D=0A", ":", ";"]
    lines = draw(st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=40)),
                          max_size=30))
    text = "\r\n".join(lines)
    if kind == "encoded":
        encoding = draw(st.sampled_from(["utf-16", "latin-1", "utf-8-sig"]))
        return text.encode(encoding, errors="replace")
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def malformed_hsds(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=4096))
    names = st.sampled_from(["datapackage.json", "organizations.csv", "services.csv",
                             "locations.csv", "phones.csv", "taxonomy_terms.csv",
                             "../escape.csv", "service_at_location.csv"])
    members = draw(st.lists(st.tuples(names, st.one_of(
        st.binary(max_size=300),
        st.lists(st.lists(st.text(max_size=12), max_size=5), max_size=5).map(
            lambda rows: "\n".join(",".join(r) for r in [["id", "name"], *rows]).encode(
                "utf-8", errors="surrogatepass")))), max_size=6))
    return zip_bytes(members, None)


def _plan_vcard(desk: Desk, path: Path) -> None:
    plan_vcard = _importer("partnerdesk.sharing.vcard", "plan_vcard")
    assert plan_vcard is not None
    plan_vcard(desk, path)


def _plan_hsds(desk: Desk, path: Path) -> None:
    plan_hsds = _importer("partnerdesk.sharing.hsds", "plan_hsds")
    assert plan_hsds is not None
    plan_hsds(desk, path)


SHARING = [
    pytest.param("bundle", _read_bundle, malformed_bundles(), ".partnerdesk",
                 marks=pytest.mark.skipif(
                     _importer("partnerdesk.sharing.limits", "read_file") is None,
                     reason="the bundle reader is not there yet")),
    pytest.param("csv", _plan_csv, malformed_csv(), ".csv",
                 marks=pytest.mark.skipif(
                     _importer("partnerdesk.sharing.csv_import", "plan_csv") is None,
                     reason="the CSV importer is not there yet")),
    pytest.param("vcard", _plan_vcard, malformed_vcards(), ".vcf"),
    pytest.param("hsds", _plan_hsds, malformed_hsds(), ".zip"),
]


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("name, run_importer, files, suffix", SHARING)
def test_sharing_importers_refuse_malformed_files(desk: Desk, tmp_path: Path, name: str,
                                                  run_importer: Callable[[Desk, Path], None],
                                                  files: st.SearchStrategy[bytes],
                                                  suffix: str) -> None:
    desk.organizations.create(name="Riverside Clinic")
    fingerprint = Fingerprint(desk)
    before = fingerprint()
    assert [count for table, count, _ in before if table == "organizations"] == [1]
    path = tmp_path / f"incoming{suffix}"
    count = 0

    @FUZZ
    @given(files)
    def run(data: bytes) -> None:
        nonlocal count
        count += 1
        path.write_bytes(data)
        with contextlib.suppress(PartnerDeskError):  # a plain refusal is the right answer
            run_importer(desk, path)
        assert fingerprint() == before

    try:
        run()
    finally:
        fingerprint.close()
    assert count >= EXAMPLES


def test_the_fingerprint_sees_any_changed_row(desk: Desk) -> None:
    """Guards the importers' check above: a change to one field of one row, a setting or
    the search index alone each change the reading."""
    org = desk.organizations.create(name="Riverside Clinic")
    fingerprint = Fingerprint(desk)
    try:
        readings = [fingerprint()]
        desk.organizations.update(org.id, notes="Open on Saturdays")
        readings.append(fingerprint())
        desk.store.set_setting("phone_region", "DE")
        readings.append(fingerprint())
        with desk.store.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM search_docs")
        readings.append(fingerprint())
        assert len(set(map(tuple, readings))) == len(readings)
    finally:
        fingerprint.close()


def test_packed_header_is_what_sqlite_expects() -> None:
    """Guards the 'header-flip' cases above: the page size lives at bytes 16-17."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x)")
    data = connection.serialize()
    connection.close()
    assert data[:16] == b"SQLite format 3\x00"
    assert struct.unpack(">H", data[16:18])[0] in (1, 512, 1024, 2048, 4096, 8192, 16384, 32768)
