"""Where a database lives: its path and the computer, so a copy knows it is a copy.

A write is named by `(counter, device_id)`, which must name one write ever
(SHARING.md, "Identity of a laptop"). A database copied to another computer or path
(someone set up a second laptop by copying the file) or restored from a backup would
otherwise go on writing under the same device id, and two people's edits would tie.
So the store records the place its device id belongs to, and a database that finds
itself elsewhere, or restored (`RESTORED_KEY`, set by the restore), takes a new id.
"""

import platform
from pathlib import Path

RESTORED_KEY = "device_restored"  # set in a restored copy: take a new device id on open
PLACE_KEY = "device_place"  # where this device id was made: {"path":…, "machine":…}
FORMER_KEY = "former_device_ids"  # ids this database wrote under before (history)

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
