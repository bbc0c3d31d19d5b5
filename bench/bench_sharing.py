"""Bundles at scale: export, import into an empty database, a no-op re-import and the
merge of a diverged copy, each in a process of its own (time and peak memory), next to
the floor measured in the same run: raw `sqlite3` executemany of the same rows and
search documents plus one FTS5 rebuild.

    .venv/bin/python -m bench.bench_sharing
        PARTNERDESK_BENCH_SCALE=100 (the targets), PARTNERDESK_BENCH_SCALES=10,30,100
        (the scaling lines; empty for none), PARTNERDESK_BENCH_MERGE=0 to leave out the
        merge (making the diverged copies takes minutes)

Targets (issue 18, at demo --scale 100): import into an empty database <= 2 x raw and
<= 300 MB; no-op re-import <= 2 s and <= 300 MB; export <= 5 s and <= 300 MB; merge of a
diverged copy (10% edited each side, 2% both, 1% deleted, 1% added, made through the
services) <= 5.5 s and <= 300 MB. The scaling lines say time and memory per 1,000
records at 10k, 30k and 100k records, so linear growth reads as a constant.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import SCALE, Figure, demo_database
from partnerdesk.paths import attachments_dir

SCALES = [int(s) for s in os.environ.get("PARTNERDESK_BENCH_SCALES", "10,30,100").split(",")
          if s.strip()]
MERGE = os.environ.get("PARTNERDESK_BENCH_MERGE", "1") != "0"
MEMORY = 300.0  # MB


def _child(*args: object) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.sharing_child", *map(str, args)],
                          capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"bench.sharing_child {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    if attachments_dir(source).exists():
        shutil.copytree(attachments_dir(source), attachments_dir(target))
    return target


def measure_scale(scale: int, folder: Path, merge: bool) -> dict[str, dict[str, Any]]:
    """Every operation at one scale, the floor first."""
    source = _copy(demo_database(scale), folder / f"source-{scale}.db")
    bundle = folder / f"all-{scale}.partnerdesk"
    found: dict[str, dict[str, Any]] = {}
    found["raw"] = _child("raw", folder / f"raw-{scale}.db", bundle, source)
    found["export"] = _child("export", source, bundle)
    found["records"] = {"count": sum(found["export"]["counts"].values())}
    empty = folder / f"empty-{scale}.db"
    found["import"] = _child("import", empty, bundle)
    found["noop"] = _child("noop", empty, bundle)
    assert found["noop"]["counts"]["unchanged"] == found["records"]["count"], found["noop"]
    if merge:
        ours, theirs = folder / f"ours-{scale}.db", folder / f"theirs-{scale}.db"
        _copy(source, ours)
        _copy(source, theirs)
        found["diverge"] = _child("diverge", ours, theirs)
        their_bundle = folder / f"theirs-{scale}.partnerdesk"
        _child("export", theirs, their_bundle)
        found["merge"] = _child("merge", ours, their_bundle)
        found["merge_noop"] = _child("noop", ours, their_bundle)
    print(f"     (scale {scale}: " + ", ".join(
        f"{key} {value['seconds']:.1f} s ({value.get('cpu', 0):.1f} CPU s) "
        f"{value['peak_mb']:.0f} MB" for key, value
        in found.items() if "seconds" in value and "peak_mb" in value) + ")", flush=True)
    for path in folder.iterdir():  # the next scale needs the room
        if path.name.endswith((f"-{scale}.db", f"-{scale}.partnerdesk")):
            path.unlink()
    return found


def _line(name: str, seconds: float, peak: float, baseline: float | None, target: str,
          ok: bool) -> Figure:
    return Figure(f"{name} (peak {peak:,.0f} MB)", seconds, "s", baseline, target, ok)


def measure() -> list[Figure]:
    figures: list[Figure] = []
    results: dict[int, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as folder_name:
        for scale in sorted({*SCALES, SCALE}):
            results[scale] = measure_scale(scale, Path(folder_name), MERGE)
    head = results[SCALE]
    raw = head["raw"]["seconds"]
    records = head["records"]["count"]
    at = f"{records:,} records"
    imported, noop, exported = head["import"], head["noop"], head["export"]
    figures.append(_line(f"import into empty, {at}", imported["seconds"],
                         imported["peak_mb"], raw, "<= 2x raw, <= 300 MB",
                         imported["seconds"] <= 2 * raw and imported["peak_mb"] <= MEMORY))
    figures.append(_line(f"no-op re-import, {at}", noop["seconds"], noop["peak_mb"], raw,
                         "<= 2 s, <= 300 MB",
                         noop["seconds"] <= 2 and noop["peak_mb"] <= MEMORY))
    figures.append(_line(f"bundle export, {at}", exported["seconds"], exported["peak_mb"],
                         raw, "<= 5 s, <= 300 MB",
                         exported["seconds"] <= 5 and exported["peak_mb"] <= MEMORY))
    if "merge" in head:
        merged = head["merge"]
        counts = merged["counts"]
        figures.append(_line(
            f"merge a diverged copy ({counts['updated']:,} updated, {counts['new']:,} new, "
            f"{counts['conflicts']:,} conflicts)", merged["seconds"], merged["peak_mb"], raw,
            "<= 5.5 s, <= 300 MB", merged["seconds"] <= 5.5 and merged["peak_mb"] <= MEMORY))
        figures.append(_line("no-op merge (the same copy again)", head["merge_noop"]["seconds"],
                             head["merge_noop"]["peak_mb"], raw, "(no target)", True))
    for _scale, found in sorted(results.items()):
        thousands = found["records"]["count"] / 1000
        for operation in ("import", "noop", "export", "merge"):
            if operation not in found:
                continue
            figures.append(Figure(
                f"  per 1,000 records: {operation} at {found['records']['count']:,} "
                f"({found[operation]['peak_mb'] / thousands:.1f} MB)",
                found[operation]["seconds"] / thousands, "s",
                found["raw"]["seconds"] / thousands, "(scaling: linear or better)", True))
    return figures


def main() -> int:
    figures = measure()
    for figure in figures:
        print(figure.line())
    return 0 if all(figure.ok for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
