"""A change to many records at once (issue 20): one field of 10,000 contacts, its undo,
and deleting them, through the services' bulk path (history, stamps, search index and
undo journal kept) beside the raw SQLite UPDATE of the same rows in the same run.

Also the tag change with `PRAGMA secure_delete` off (`db/engine.py` sets it on), to show
what that setting costs this path, and the CPU time (every thread's) of the tag change,
the consent change and the delete beside the raw UPDATE's, which a machine busy with
other work inflates far less than the wall time. The writer runs a bulk write's SQL in a
thread beside its Python (`services.store._Lane`), so on an idle machine with two cores
the wall time can be below the CPU time."""

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import Figure
from partnerdesk.services import Desk

COUNT = 10_000
TARGET = 2.0  # seconds for 10,000 contacts
RAW_CPU = [0.0]


def _contacts(count: int) -> list[dict[str, object]]:
    return [{"name": f"Person {n:05}", "role": "Community health worker",
             "emails": [{"address": f"person{n}@clinic.example", "kind": "work"}],
             "phones": [{"number": "+16175550101", "kind": "work", "extension": ""}],
             "addresses": [{"kind": "work", "street": f"{n} Main St", "city": "Boston",
                            "region": "MA", "postal_code": "02115", "country": "USA"}],
             "tags": ["volunteer"], "notes": "Met at the spring health fair. " * 4}
            for n in range(count)]


CPU: dict[str, float] = {}  # what each timed step took in CPU time (every thread)


def _timed(work: object, name: str = "") -> float:
    """Wall time of `work`; its CPU time goes to CPU[name]."""
    cpu, start = time.process_time(), time.perf_counter()
    work()  # type: ignore[operator]
    wall = time.perf_counter() - start
    CPU[name] = time.process_time() - cpu
    return wall


def _cpu(work: object) -> float:
    start = time.process_time()
    work()  # type: ignore[operator]
    return time.process_time() - start


def _secure_delete_off(desk: Desk) -> None:
    """This desk's connections from now on with secure_delete off."""
    from sqlalchemy import event

    engine = desk.store.engine
    engine.dispose()
    event.listen(engine, "connect",
                 lambda connection, _record: connection.execute("PRAGMA secure_delete=OFF"))


def _raw_update(path: Path, ids: list[str], turn: int) -> float:
    """The floor: the same rows' tags and updated_at set by one executemany and a commit."""
    connection = sqlite3.connect(path)
    try:
        cpu, start = time.process_time(), time.perf_counter()
        connection.executemany(
            "UPDATE contacts SET tags = ?, updated_at = ? WHERE id = ?",
            [(f'["volunteer", "raw {turn}"]', "2026-12-02 21:00:00.000000", i) for i in ids])
        connection.commit()
        RAW_CPU[0] = time.process_time() - cpu
        return time.perf_counter() - start
    finally:
        connection.close()


def measure(runs: int = 3) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bulk.db"
        with Desk.open(path) as desk, desk.store.write() as writer:
            ids = desk.contacts.save_many(writer, _contacts(COUNT))
        changes, undos, raws = [], [], []
        with Desk.open(path) as desk:
            for turn in range(runs):
                tag = f"winter {turn}"
                changes.append(_timed(lambda tag=tag: desk.contacts.bulk_change(
                    ids, lambda row, tag=tag: {"tags": [*row["tags"], tag]})))
                undos.append(_timed(desk.undo.undo))
                raws.append(_raw_update(path, ids, turn))
                CPU[f"raw {turn}"] = RAW_CPU[0]
            assert desk.contacts.count(text="winter") == 0  # every change undone
            # a field the search index is not made from: no entry to make again
            sharing = _timed(lambda: desk.contacts.update_many(ids, share_ok=True), "sharing")
            assert desk.contacts.count(where={"share_ok": True}) == COUNT
            desk.undo.undo()
            deleted = _timed(lambda: desk.contacts.delete(*ids), "delete")
            assert desk.contacts.count() == 0
            restored = _timed(desk.undo.undo)
            assert desk.contacts.count() == COUNT
            tag = "spring"
            cpu = _cpu(lambda: desk.contacts.bulk_change(
                ids, lambda row: {"tags": [*row["tags"], tag]}))
            desk.undo.undo()
        with Desk.open(path) as desk:
            _secure_delete_off(desk)
            plain = []
            for turn in range(runs):
                tag = f"plain {turn}"
                plain.append(_timed(lambda tag=tag: desk.contacts.bulk_change(
                    ids, lambda row, tag=tag: {"tags": [*row["tags"], tag]})))
                desk.undo.undo()
        raw = statistics.median(raws)
        raw_cpu = statistics.median(CPU[f"raw {turn}"] for turn in range(runs))
        change, undo = statistics.median(changes), statistics.median(undos)
        load = os.getloadavg()[0]
        return [
            Figure(f"Bulk tag {COUNT:,} contacts", change, "s", raw, f"<= {TARGET:g} s",
                   change <= TARGET),
            Figure(f"Undo of that ({COUNT:,} contacts)", undo, "s", raw, f"<= {TARGET:g} s",
                   undo <= TARGET),
            Figure(f"Bulk sharing consent {COUNT:,} contacts", sharing, "s", raw,
                   f"<= {TARGET:g} s", sharing <= TARGET),
            Figure(f"Bulk delete {COUNT:,} contacts", deleted, "s", raw, f"<= {TARGET:g} s",
                   deleted <= TARGET),
            Figure(f"Undo of the delete ({COUNT:,})", restored, "s", raw, f"<= {TARGET:g} s",
                   restored <= TARGET),
            # reported beside the wall times (the target is the wall time a person waits)
            Figure(f"Bulk tag {COUNT:,}, CPU time", cpu, "s", raw_cpu, "(reported)", True),
            Figure(f"Bulk sharing consent {COUNT:,}, CPU time", CPU["sharing"], "s", raw_cpu,
                   "(reported)", True),
            Figure(f"Bulk delete {COUNT:,}, CPU time", CPU["delete"], "s", raw_cpu,
                   "(reported)", True),
            Figure("Load (1-minute average) at the end", load, "", None, "(the machine's)",
                   True),
            Figure(f"Bulk tag {COUNT:,}, secure_delete off", statistics.median(plain), "s",
                   raw, "(what the setting costs)", True),
        ]


if __name__ == "__main__":
    for figure in measure():
        print(figure.line())
