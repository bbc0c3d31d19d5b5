"""Where a database lives: its path and the computer, so a copy knows it is a copy.

A write is named by `(counter, device_id)`, which must name one write ever
(SHARING.md, "Identity of a laptop"). A database copied to another computer or path
(someone set up a second laptop by copying the file) or restored from a backup would
otherwise go on writing under the same device id, and two people's edits would tie.
So the store records the place its device id belongs to, and a database that finds
itself elsewhere, or restored (`RESTORED_KEY`, set by the restore), takes a new id.

A backup copied over the database by hand (a copy of the file made while PartnerDesk
was closed, put back later) is in the same place and carries no mark. The evidence of it
is outside the file: each export notes, in this computer's data folder
(`SENT_FILE`), the highest change number it put in a bundle for its device id. A
database whose counter is below that number for its own device id has gone back in
time: it would number its next changes as ones already sent, so it takes a new id too.
Until something is exported, no change number has left the file, and a reused one
clashes with nothing.
"""

import json
import logging
import os
import platform
from pathlib import Path

log = logging.getLogger("partnerdesk.identity")

RESTORED_KEY = "device_restored"  # set in a restored copy: take a new device id on open
PLACE_KEY = "device_place"  # where this device id was made: {"path":…, "machine":…}
FORMER_KEY = "former_device_ids"  # ids this database wrote under before (history)
SENT_FILE = "sent-change-numbers.json"  # device id -> highest change number exported

_MACHINE_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def machine_id() -> str:
    """A stable id of this computer: systemd's machine id, Windows' MachineGuid, else the
    computer's name (which changes seldom; a change only costs a new device id)."""
    for name in _MACHINE_FILES:
        try:
            text = Path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return text
    if platform.system() == "Windows":
        try:
            import winreg  # type: ignore[import-not-found,unused-ignore]

            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE,  # type: ignore[attr-defined,unused-ignore]
                                r"SOFTWARE\Microsoft\Cryptography") as key:
                return str(winreg.QueryValueEx(key, "MachineGuid")[0])  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            pass
    return platform.node()


def place_of(path: Path) -> dict[str, str]:
    return {"path": str(Path(path).resolve()), "machine": machine_id()}


def _sent_path() -> Path:
    from partnerdesk.paths import data_dir

    return data_dir() / SENT_FILE


def _read_sent() -> dict[str, int]:
    try:
        data = json.loads(_sent_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(device): value for device, value in data.items()
            if isinstance(value, int) and not isinstance(value, bool)}


def sent_mark(device: str) -> int:
    """The highest change number of `device` this computer has put in a bundle (0:
    none, or the note is gone, which only means one kind of copy goes unnoticed)."""
    return _read_sent().get(device, 0)


def note_sent(device: str, counter: int) -> None:
    """Remember, outside the database file, that changes of `device` up to `counter`
    went into a bundle. Written before the bundle itself (a bundle never exists
    without its note); a note that cannot be written costs only the detection of a
    hand-copied backup, never the export, so it is logged, not raised."""
    known = _read_sent()
    if known.get(device, 0) >= counter:
        return
    known[device] = counter
    path = _sent_path()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(known, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        log.warning("Could not note the change numbers sent in %s; a backup copied over "
                    "the database by hand may go unnoticed", path, exc_info=True)
        temporary.unlink(missing_ok=True)
