"""Hostile files made by mutating real ones, and a run of them through every importer.

The seeds are real files: the address books and spreadsheets under `tests/data`, the
HSDS example packages (zipped, and as folders), a needs list, and a bundle exported from
a small database, also sealed with a passphrase. A
mutation (chosen by a `random.Random`, which Hypothesis drives in the tests) flips a bit,
sets a byte to one that matters to a parser (NUL, a quote, a separator, a line end),
cuts, repeats or splices spans, plants a huge number or deep nesting, or, inside a
zip (bundle, HSDS), changes one member and packs the zip again, for a bundle with its
checksums and revisions recomputed, as anyone making a hostile file can. A sealed
bundle has its header changed (costs, salt, nesting) or its sealed bytes; an HSDS
folder may hold a table that is a link (to /dev/zero, out of the folder, to a folder).

`run_file` imports one file all the way (planning and applying, the valid rows only)
and sorts the outcome: accepted, refused with a sentence (a `PartnerDeskError`), or
unexpected (anything else: what the command line reports as exit status 2). After a
refusal the database must be exactly as before (a full dump compared).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import resource
import shutil
import sqlite3
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services import Desk
from partnerdesk.services.versioning import compute_rev
from partnerdesk.sharing.bundle import sha256_hex

DATA = Path(__file__).parent.parent / "data"
FIXTURES = Path(__file__).parent.parent / "interchange" / "fixtures"
HANG_SECONDS = 10.0
NEEDS = ("Category,Description,Priority,Area,Needed capacity\n"
         "Food,Food insecurity after discharge,High,East side,100\n"
         "Mental health,\"Counselling for isolated seniors, weekly\",2,,\n"
         "Transport,Rides to dialysis,,County,1e3\n")
SPECIAL = [b"\x00", b"\xff", b'"', b",", b";", b"\t", b"\n", b"\r", b"=", b":", b"{", b"["]
PLANTED = [b"1e400", b"9" * 400, b"-1", b"NaN", b"\xed\xa0\x80", b"\x00", b"[" * 1200,
           b"\"" * 3, b"x" * 200_000, b"0001-01-02", b"9999-12-31", b"../../etc/passwd"]


# -- mutation ---------------------------------------------------------------------------
def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One to four byte-level changes."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            out += rng.choice(PLANTED)
            continue
        at = rng.randrange(len(out))
        kind = rng.randrange(7)
        if kind == 0:
            out[at] ^= 1 << rng.randrange(8)
        elif kind == 1:
            out[at:at + 1] = rng.choice(SPECIAL)
        elif kind == 2:
            del out[at:at + rng.randint(1, 64)]
        elif kind == 3:
            span = bytes(out[at:at + rng.randint(1, 256)])
            out[at:at] = span * rng.randint(2, 50)
        elif kind == 4:
            out[at:at] = rng.choice(PLANTED)
        elif kind == 5:
            del out[at:]
        else:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(out)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _resign_bundle(members: dict[str, bytes]) -> dict[str, bytes]:
    """Revisions and checksums recomputed, so the damage reaches the record checks."""
    for name, raw in list(members.items()):
        if not name.startswith("records/"):
            continue
        lines = []
        for text in raw.decode("utf-8", "replace").splitlines():
            try:
                line = json.loads(text)
                line["rev"] = compute_rev(line["values"], line["stamps"], line["vv"],
                                          line["delete_ctx"])
                lines.append(json.dumps(line))
            except Exception:  # a line too broken to sign stays as it is
                lines.append(text)
        members[name] = "".join(line + "\n" for line in lines).encode("utf-8", "replace")
    try:
        manifest = json.loads(members["manifest.json"])
        manifest["members"] = {n: sha256_hex(d) for n, d in members.items()
                               if n != "manifest.json"}
        members["manifest.json"] = json.dumps(manifest).encode()
    except Exception:  # noqa: S110 - a broken manifest is one of the cases
        pass
    return members


def _mutate_record_line(members: dict[str, bytes], rng: random.Random) -> None:
    names = [n for n in members if n.startswith("records/")]
    if not names:
        return
    name = rng.choice(names)
    lines = [json.loads(t) for t in members[name].decode().splitlines() if t.strip()]
    if not lines:
        return
    line = rng.choice(lines)
    target = rng.choice(["values", "stamps", "vv", "delete_ctx", "id"])
    odd = rng.choice([None, 10 ** 400, 2 ** 63, -1, "x" * 30_000, "\x00", "\ud800", [], {},
                      12345, True, 1.5, [[[[[[1]]]]]], "../../secret", "0001-01-02"])
    if target == "id":
        line["id"] = odd if rng.random() < 0.5 else rng.choice(lines)["id"]
    elif isinstance(line.get(target), dict) and line[target]:
        key = rng.choice(sorted(line[target]))
        line[target][key] = odd
    else:
        line[target] = odd
    members[name] = "".join(json.dumps(item) + "\n" for item in lines).encode(
        "utf-8", "surrogatepass")


PASSPHRASE = "correct horse battery"
HEADER_VALUES = ["1e400", "-1", "0", "21", "16", "true", "null", '"15"', "15.5", "[" * 2000,
                 '"zz"', '""', '"' + "00" * 40 + '"', "{}", "99999999999999999999"]
# In an HSDS folder, a member named NAME.link becomes a link NAME to what it holds.
LINKS = [b"/dev/zero", b"/etc/passwd", b"../outside.csv", b".", b"missing.csv",
         b"organizations.csv"]


def _mutate_sealed(data: bytes, rng: random.Random) -> bytes:
    from partnerdesk.sharing import seal

    start = len(seal.MAGIC) + 2
    if len(data) < start or not data.startswith(seal.MAGIC) or rng.random() < 0.3:
        return mutate_bytes(data, rng)
    length = int.from_bytes(data[len(seal.MAGIC):start], "big")
    header, body = data[start:start + length], data[start + length:]
    if rng.random() < 0.7:  # one value of the header
        text = header.decode("ascii", "replace")
        key = rng.choice(["log2_n", "r", "p", "salt", "nonce", "cipher", "kdf"])
        found = re.search(f'"{key}": ("[^"]*"|[^,}}]*)', text)
        if found:
            text = text[:found.start(1)] + rng.choice(HEADER_VALUES) + text[found.end(1):]
        header = text.encode("utf-8", "replace")[:65535]
    else:
        body = mutate_bytes(body, rng)
    return seal.MAGIC + len(header).to_bytes(2, "big") + header + body


def mutate(kind: str, data: bytes, rng: random.Random, seeds: list[bytes]) -> bytes:
    """A hostile variant of `data`, a real file of importer `kind`."""
    if kind == "sealed":
        return _mutate_sealed(data, rng)
    if kind == "hsds-folder" and rng.random() < 0.15:
        with contextlib.suppress(Exception):
            members = _members(data)
            name = rng.choice(sorted(members) or ["phones.csv"])
            members.pop(name, None)
            members[name + ".link"] = rng.choice(LINKS)
            return _zip(members)
    choice = rng.random()
    if choice < 0.08 and seeds:  # splice with another real file
        other = rng.choice(seeds)
        return data[:rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]
    if kind in ("bundle", "hsds", "hsds-folder") and choice < 0.7:
        try:
            members = _members(data)
        except Exception:
            return mutate_bytes(data, rng)
        if kind == "bundle" and choice < 0.4:
            with contextlib.suppress(Exception):
                _mutate_record_line(members, rng)
        else:
            name = rng.choice(sorted(members))
            members[name] = mutate_bytes(members[name], rng)
        if kind == "bundle" and rng.random() < 0.8:
            members = _resign_bundle(members)
        return _zip(members)
    return mutate_bytes(data, rng)


# -- seeds ------------------------------------------------------------------------------
def _hsds_zip(folder: Path) -> bytes:
    return _zip({p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))})


def seeds(kind: str, bundle: bytes | None = None) -> list[bytes]:
    if kind == "csv":
        return [p.read_bytes() for p in sorted([*FIXTURES.glob("*.csv"),
                                                 *(DATA / "address-book-exports").glob("*.csv")])]
    if kind == "vcard":
        return [p.read_bytes() for p in sorted([*FIXTURES.glob("*.vcf"),
                                                 *(DATA / "ez-vcard").glob("*.vcf")])]
    if kind in ("hsds", "hsds-folder"):  # a folder travels here as the zip of its tables
        return [_hsds_zip(DATA / "hsds1-simple"), _hsds_zip(DATA / "hsds3-example")]
    if kind == "needs":
        return [NEEDS.encode("utf-8"), NEEDS.encode("utf-16"), NEEDS.replace(",", ";").encode()]
    assert bundle is not None
    if kind == "sealed":
        from partnerdesk.sharing import seal

        return [seal.seal(bundle, PASSPHRASE)]
    return [bundle]


def make_bundle(folder: Path) -> bytes:
    """A real bundle: organizations, contacts, a deleted one, an attachment."""
    from partnerdesk.sharing.exporter import export_bundle

    with Desk.open(folder / "source.db") as desk:
        org = desk.organizations.create(name="Harbor Clinic", notes="Open weekdays")
        desk.contacts.create(name="Ida Lovelace", organization_id=org.id,
                             emails=[{"address": "ida@example.org"}])
        gone = desk.contacts.create(name="Gone Person", notes="left")
        desk.contacts.delete(gone.id)
        letter = folder / "letter.pdf"
        letter.write_bytes(b"%PDF-1.4 signed copy")
        desk.attachments.attach("organization", org.id, letter)
        export_bundle(desk, folder / "seed.partnerdesk")
    return (folder / "seed.partnerdesk").read_bytes()


# -- running ----------------------------------------------------------------------------
SUFFIX = {"bundle": ".partnerdesk", "sealed": ".partnerdesk", "csv": ".csv",
          "vcard": ".vcf", "hsds": ".zip", "hsds-folder": "", "needs": ".csv"}


def _unpack_folder(path: Path, data: bytes) -> None:
    """An HSDS folder at `path` from `data`: the zip of its tables (NAME.link members
    become links), or, when `data` is no zip, one organizations.csv holding it."""
    if path.is_dir():
        shutil.rmtree(path)
    path.mkdir()
    try:
        members = _members(data)
    except Exception:
        members = {"organizations.csv": data}
    for name, content in members.items():
        name = Path(name.replace("\\", "/")).name
        if not name or name in (".", ".."):
            continue
        if name.endswith(".link"):
            with contextlib.suppress(OSError, ValueError):
                (path / name[:-len(".link")]).symlink_to(
                    content.decode("utf-8", "replace").replace("\x00", ""))
        else:
            with contextlib.suppress(OSError, ValueError):
                (path / name).write_bytes(content)


def _import(kind: str, desk: Desk, path: Path) -> None:
    from partnerdesk.services.needs_import import import_needs
    from partnerdesk.sharing.csv_import import plan_csv
    from partnerdesk.sharing.hsds import apply_hsds, plan_hsds
    from partnerdesk.sharing.import_common import apply_plan
    from partnerdesk.sharing.importer import import_file
    from partnerdesk.sharing.vcard import plan_vcard

    if kind == "bundle":
        import_file(desk, path)
    elif kind == "sealed":
        import_file(desk, path, passphrase=PASSPHRASE)
    elif kind == "csv":
        apply_plan(desk, plan_csv(desk, path, "contact"), valid_only=True)
    elif kind == "vcard":
        apply_plan(desk, plan_vcard(desk, path), valid_only=True)
    elif kind in ("hsds", "hsds-folder"):
        apply_hsds(desk, plan_hsds(desk, path), valid_only=True)
    else:
        import_needs(desk, path)


def dump(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_index_%' ORDER BY name")]
        return [(t, sorted(connection.execute(f"SELECT * FROM {t}").fetchall(), key=repr))
                for t in tables]
    finally:
        connection.close()


@dataclass
class Tally:
    """What the run of one importer found (the slow run prints it)."""

    kind: str
    tried: int = 0
    refused: int = 0
    accepted: int = 0
    unexpected: list[str] = field(default_factory=list)
    changed_on_refusal: list[str] = field(default_factory=list)
    hangs: list[float] = field(default_factory=list)
    slowest: float = 0.0

    def line(self) -> str:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return (f"{self.kind}: {self.tried} files tried, {self.refused} refused cleanly, "
                f"{self.accepted} accepted, {len(self.unexpected)} unexpected, "
                f"{len(self.hangs)} hangs over {HANG_SECONDS:.0f} s (slowest "
                f"{self.slowest:.1f} s), {len(self.changed_on_refusal)} refusals that "
                f"changed the database, peak memory {peak:.0f} MB")


def run_file(kind: str, desk: Desk, path: Path, data: bytes, tally: Tally) -> None:
    if kind == "hsds-folder":
        _unpack_folder(path, data)
    else:
        path.write_bytes(data)
    before = dump(desk.path)
    folder = desk.attachments.folder
    files_before = sorted(folder.rglob("*")) if folder.exists() else []
    started = time.monotonic()
    tally.tried += 1
    try:
        _import(kind, desk, path)
    except PartnerDeskError:
        tally.refused += 1
        after = sorted(folder.rglob("*")) if folder.exists() else []
        if dump(desk.path) != before or after != files_before:
            tally.changed_on_refusal.append(repr(data[:200]))
    except Exception:  # what the command line would call unexpected (exit status 2)
        tally.unexpected.append(traceback.format_exc(limit=6) + "\nfile: " + repr(data[:300]))
    else:
        tally.accepted += 1
    took = time.monotonic() - started
    tally.slowest = max(tally.slowest, took)
    if took > HANG_SECONDS:
        tally.hangs.append(took)


def fresh_desk(folder: Path, pristine: Path) -> Desk:
    target = folder / "target.db"
    shutil.copyfile(pristine, target)
    return Desk.open(target)

