"""PartnerDesk's merge of a diverged copy beside KeePassXC's, the same divergence at the
same sizes, in one table (`scripts/bench peers`).

KeePassXC is the nearest tool a person has for "two copies of my records, edited apart,
made one again": `keepassxc-cli merge`. This installs nothing: without `keepassxc-cli`
(Debian: `apt-get install keepassxc`) it says so and measures nothing.

For each size (the sample at scale 10 and 100: about 12,000 and 116,000 records) the
PartnerDesk side is made as in `bench_sharing`: two copies of the sample, diverged through
the services (10% of records edited on each side, 2% the same ones, 1% deleted, 1% added),
one exported, merged into the other, then the same bundle again (a no-op). The KeePassXC
side has as many entries, diverged the same way (written as KeePass XML and imported with
`keepassxc-cli import`, not timed): `merge`, then `merge` again. Its key derivation is made
as cheap as keepassxc-cli allows (`--decryption-time 100` ms: each open and save of a
database pays about that much of its time). Each side's time is wall seconds of its own
process and its peak memory that process's own.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.bench_sharing import _child, _copy
from bench.common import Figure, demo_database

SCALES = [int(s) for s in os.environ.get("PARTNERDESK_BENCH_PEER_SCALES", "10,100").split(",")
          if s.strip()]
# Runs a command, then prints its wall time and its own peak memory: a small Python, so
# the child's high-water mark (which starts at what forked it) is the command's.
TIMED = ("import json, resource, subprocess, sys, time\n"
         "start = time.perf_counter()\n"
         "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
         "seconds = time.perf_counter() - start\n"
         "if done.returncode:\n"
         "    sys.exit(done.stderr.decode(errors='replace')[-2000:])\n"
         "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
         "print(json.dumps({'seconds': seconds, 'peak_mb': peak}))\n")


def _timed(*command: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-S", "-c", TIMED, *command], capture_output=True,
                          text=True, check=False, timeout=3600)
    if done.returncode:
        raise RuntimeError(f"{command[0]} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _uuid(name: str) -> str:
    return base64.b64encode(uuid.uuid5(uuid.NAMESPACE_URL, f"partnerdesk-bench/{name}")
                            .bytes).decode()


def _times(moment: str) -> str:
    return (f"<Times><CreationTime>2026-01-01T00:00:00Z</CreationTime>"
            f"<LastModificationTime>{moment}</LastModificationTime>"
            f"<LastAccessTime>{moment}</LastAccessTime>"
            "<ExpiryTime>2030-01-01T00:00:00Z</ExpiryTime><Expires>False</Expires>"
            "<UsageCount>0</UsageCount>"
            "<LocationChanged>2026-01-01T00:00:00Z</LocationChanged></Times>")


def _entry(name: str, title: str, notes: str, moment: str) -> str:
    fields = {"Title": title, "UserName": f"{name}@example.org", "Password": "-", "URL": "",
              "Notes": notes}
    strings = "".join(f"<String><Key>{key}</Key><Value>{escape(value)}</Value></String>"
                      for key, value in fields.items())
    return f"<Entry><UUID>{_uuid(name)}</UUID>{_times(moment)}{strings}</Entry>"


def keepass_xml(path: Path, entries: int, side: str) -> None:
    """One side of the divergence as KeePass XML: "ours" edits every tenth entry; "theirs"
    every fiftieth of those too (2% on both sides) and 8% others, and deletes 1%; each
    side adds 1% of its own."""
    def edited(i: int) -> bool:
        return i % 10 == 0 if side == "ours" else i % 50 == 0 or i % 100 in (
            1, 11, 21, 31, 41, 51, 61, 71)

    def deleted(i: int) -> bool:
        return side == "theirs" and i % 100 == 5

    edit_moment = "2026-06-02T00:00:00Z" if side == "ours" else "2026-06-03T00:00:00Z"
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><KeePassFile><Meta>'
             "<Generator>PartnerDesk bench</Generator><DatabaseName>bench</DatabaseName>"
             f"</Meta><Root><Group><UUID>{_uuid('root')}</UUID><Name>Root</Name>"
             f"{_times('2026-01-01T00:00:00Z')}"]
    for i in range(entries):
        if deleted(i):
            continue
        if edited(i):
            parts.append(_entry(f"c{i}", f"Contact {i:06d}", f"Edited by {side}", edit_moment))
        else:
            parts.append(_entry(f"c{i}", f"Contact {i:06d}", "Notes on this contact",
                                "2026-01-01T00:00:00Z"))
    parts += [_entry(f"{side}{i}", f"Added by {side} {i:06d}", "New", "2026-06-01T00:00:00Z")
              for i in range(entries // 100)]
    parts.append("</Group><DeletedObjects>")
    parts += [f"<DeletedObject><UUID>{_uuid(f'c{i}')}</UUID>"
              "<DeletionTime>2026-06-04T00:00:00Z</DeletionTime></DeletedObject>"
              for i in range(entries) if deleted(i)]
    parts.append("</DeletedObjects></Root></KeePassFile>")
    path.write_text("".join(parts), encoding="utf-8")


def keepass_merges(cli: str, entries: int, folder: Path) -> dict[str, dict[str, float]]:
    key = folder / "bench.key"
    key.write_bytes(os.urandom(64))
    databases = {}
    for side in ("ours", "theirs"):
        xml, database = folder / f"{side}.xml", folder / f"{side}.kdbx"
        keepass_xml(xml, entries, side)
        subprocess.run([cli, "import", "-q", "--set-key-file", str(key), "--decryption-time",
                        "100", str(xml), str(database)], check=True, capture_output=True)
        xml.unlink()
        databases[side] = str(database)
    merge = [cli, "merge", "-q", "--no-password", "-k", str(key), "--no-password-from",
             "--key-file-from", str(key), databases["ours"], databases["theirs"]]
    return {"merge": _timed(*merge), "merge_noop": _timed(*merge)}


def our_merges(scale: int, folder: Path) -> dict[str, Any]:
    source = _copy(demo_database(scale), folder / "source.db")
    bundle = folder / "all.partnerdesk"
    exported = _child("export", source, bundle)
    ours, theirs = folder / "ours.db", folder / "theirs.db"
    _copy(source, ours)
    _copy(source, theirs)
    _child("diverge", ours, theirs)
    their_bundle = folder / "theirs.partnerdesk"
    _child("export", theirs, their_bundle)
    return {"records": sum(exported["counts"].values()),
            "merge": _child("merge", ours, their_bundle),
            "merge_noop": _child("noop", ours, their_bundle)}


def _cell(result: dict[str, Any]) -> str:
    return f"{result['seconds']:8.2f} s {result['peak_mb']:6.0f} MB"


def measure() -> list[Figure]:
    cli = shutil.which("keepassxc-cli")
    if cli is None:
        print("     (keepassxc-cli is not installed here: no side-by-side merge; "
              "apt-get install keepassxc)")
        return []
    rows, figures = [], []
    for scale in SCALES:
        with tempfile.TemporaryDirectory() as ours_folder, \
                tempfile.TemporaryDirectory() as theirs_folder:
            ours = our_merges(scale, Path(ours_folder))
            peer = keepass_merges(cli, ours["records"], Path(theirs_folder))
        rows.append((ours, peer))
        for kind, label in (("merge", "merge"), ("merge_noop", "no-op merge")):
            figures.append(Figure(
                f"{label}, {ours['records']:,} records, beside KeePassXC "
                f"(peak {ours[kind]['peak_mb']:.0f} / {peer[kind]['peak_mb']:.0f} MB)",
                ours[kind]["seconds"], "s", peer[kind]["seconds"], "(reported)", True))
    print("     | records | PartnerDesk merge | KeePassXC merge | PartnerDesk no-op | "
          "KeePassXC no-op |")
    for ours, peer in rows:
        print(f"     | {ours['records']:>7,} | {_cell(ours['merge'])} | {_cell(peer['merge'])} "
              f"| {_cell(ours['merge_noop'])} | {_cell(peer['merge_noop'])} |")
    return figures


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
