"""Timing helpers and the one way every benchmark prints a figure."""

import hashlib
import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partnerdesk.paths import attachments_dir
from partnerdesk.services import Desk

CACHE = Path(os.environ.get("PARTNERDESK_BENCH_DIR", Path(__file__).resolve().parent / ".cache"))
SCALE = int(os.environ.get("PARTNERDESK_BENCH_SCALE", "100"))


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None
    target: str
    ok: bool

    def line(self) -> str:
        base = "" if self.baseline is None else f"  baseline {self.baseline:10.3f} {self.unit}"
        ratio = "" if not self.baseline else f"  ({self.value / self.baseline:5.1f}x)"
        verdict = "ok  " if self.ok else "MISS"
        return f"{verdict} {self.name:<44} {self.value:10.3f} {self.unit}{base}{ratio}  " \
               f"target {self.target}"


def median_time(work: Callable[[], object], runs: int = 5, setup: Callable[[], object] | None
                = None) -> float:
    """Median wall time of `work` in seconds (setup, if any, is not timed)."""
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_times(ours: Callable[[], object], raw: Callable[[], object],
                 runs: int = 5) -> tuple[float, float]:
    """Median wall times of `ours` and of its raw baseline, run in turns (ours, raw, ours,
    raw…): this machine's speed drifts by a third within a minute, and a figure timed
    wholly before its baseline measured the drift as often as the code."""
    mine, theirs = [], []
    for _ in range(runs):
        for work, times in ((ours, mine), (raw, theirs)):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
    return statistics.median(mine), statistics.median(theirs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def demo_database(scale: int = SCALE) -> Path:
    """The `demo --scale N` database, built once and kept in the bench cache.

    Its name carries a digest of the sample-data code and the schema's revision, so a
    change to either builds a fresh one instead of measuring a stale file."""
    from partnerdesk.db.migrate import head_revision
    from partnerdesk.services import demo
    from partnerdesk.services.demo import load_demo

    CACHE.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(Path(demo.__file__).read_bytes() + head_revision().encode())
    path = CACHE / f"demo-{scale}-{digest.hexdigest()[:10]}.db"
    if not path.exists():
        # older builds, their attachments and backups, and leftovers of a cut-off build
        for stale in [*CACHE.glob(f"demo-{scale}-*"), *CACHE.glob(f"demo-{scale}.*")]:
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
        building = CACHE / f"{path.stem}.building.db"
        with Desk.open(building) as desk:
            load_demo(desk, scale=scale)
        with Desk.open(building) as desk, desk.store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(building, path)
        attachments = attachments_dir(building)
        if attachments.exists():
            os.replace(attachments, attachments_dir(path))
    return path


def paint_watcher() -> Any:
    """An event filter whose `seen` turns true at the next paint of what it is installed
    on: the moment a person sees the answer. Qt is imported only by benchmarks that paint."""
    from PySide6.QtCore import QEvent, QObject

    class PaintWatcher(QObject):
        seen = False

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.seen = True
            return False

    return PaintWatcher()


_office: dict[str, str] = {}


def office_database() -> str | None:
    """The `demo_database()` records moved into a new database on the PostgreSQL server
    named by $PARTNERDESK_TEST_POSTGRES (a superuser URL; `scripts/test-postgres.sh`
    starts a throwaway one), made once per run and dropped when the run ends; its URL.
    None (and a line saying why) without a server."""
    if "url" in _office:
        return _office["url"]
    server = os.environ.get("PARTNERDESK_TEST_POSTGRES")
    if not server:
        print("     (office database figures skipped: $PARTNERDESK_TEST_POSTGRES names no "
              "server; scripts/test-postgres.sh starts one)")
        return None
    import atexit
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from partnerdesk.services.office import move_to_server

    base = make_url(server).set(drivername="postgresql+psycopg")
    name = f"pd_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    atexit.register(drop)
    url = base.set(drivername="postgresql", database=name).render_as_string(
        hide_password=False)
    move_to_server(demo_database(SCALE), url)
    _office["url"] = url
    return url


def raw_office(url: str) -> Any:
    """A plain psycopg connection (autocommit) to the office database: the raw baseline."""
    import psycopg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    return psycopg.connect(host=parts.host, port=parts.port, user=parts.username,
                           dbname=parts.database, autocommit=True)
