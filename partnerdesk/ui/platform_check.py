"""Before Qt starts on a Linux desktop: can the plugin that draws its windows load (xcb for
X11, wayland for Wayland)? If a system library it needs is missing, Qt aborts with
"Reinstalling the application may fix this problem", which sends people the wrong way.
This check names the missing libraries and the Debian packages that hold them instead.

The check asks the dynamic loader itself: it loads the plugin (Qt loads it a moment later
anyway) and, only when that fails, runs `ldd` on it to list every library that is missing,
not just the first. Nothing here runs on Windows or macOS, or for Qt's other platforms
(offscreen, eglfs...).
"""

import ctypes
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication

log = logging.getLogger(__name__)

# The Debian 12 package holding each system library that Qt's xcb plugin (libqxcb.so), its
# libQt6XcbQpa and the Qt libraries under them link to (`ldd` on the wheel's libqxcb.so),
# plus the GLX integration Qt loads at run time (libxcb-glx) and the Wayland plugin's
# libwayland-*. scripts/setup.sh installs the same set (tests/ui/test_platform_check.py
# keeps the two lists together).
SONAME_PACKAGES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)
_LOAD_ERROR = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")

Loader = Callable[[Path], str | None]
Lister = Callable[[Path], list[str]]


def tr(text: str) -> str:
    return QCoreApplication.translate("PlatformCheck", text)


# Qt's name for a platform -> the plugin files that provide it (newest Qt first).
PLUGIN_FILES = {"xcb": ("libqxcb.so",),
                "wayland": ("libqwayland.so", "libqwayland-egl.so", "libqwayland-generic.so")}


def platform_order(environ: Mapping[str, str], platform: str = sys.platform) -> list[str]:
    """The platforms Qt 6 will try, in its order: QT_QPA_PLATFORM ("wayland;xcb") when set,
    else Wayland in a Wayland session, then xcb when there is an X display."""
    if not platform.startswith("linux"):
        return []
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        return [name.split(":")[0].strip() for name in requested.split(";") if name.strip()]
    order = []
    if environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE") == "wayland":
        order.append("wayland")
    if environ.get("DISPLAY"):
        order.append("xcb")
    return order


def plugin_folders(environ: Mapping[str, str]) -> list[Path]:
    """Where Qt looks for platform plugins, in its order."""
    from PySide6.QtCore import QLibraryInfo

    folders = []
    if environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(environ["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    for entry in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep):
        if entry:
            folders.append(Path(entry) / "platforms")
    folders.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms")
    return folders


def find_plugin(name: str, folders: Iterable[Path]) -> Path | None:
    """The plugin file for platform `name` (None: not one this check knows, or not there)."""
    for folder in folders:
        for file_name in PLUGIN_FILES.get(name, ()):
            plugin = folder / file_name
            if plugin.is_file():
                return plugin
    return None


def dlopen_error(library: Path) -> str | None:
    """The dynamic loader's complaint when it loads `library`, or None when it loads."""
    try:
        ctypes.CDLL(str(library))
    except OSError as error:
        return str(error)
    return None


def ldd_missing(library: Path) -> list[str]:
    """Every library `library` needs that the dynamic loader cannot find (from `ldd`)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        result = subprocess.run([ldd, str(library)], capture_output=True, text=True,
                                timeout=20, env={**os.environ, "LC_ALL": "C"},
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("Could not run ldd on %s: %s", library, error)
        return []
    return list(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))


def missing_libraries(plugin: Path, load: Loader = dlopen_error,
                      list_missing: Lister = ldd_missing) -> list[str]:
    """The libraries that keep `plugin` from loading (empty when it loads)."""
    error = load(plugin)
    if error is None:
        return []
    missing = list_missing(plugin)
    if not missing:
        first = _LOAD_ERROR.search(error)
        missing = [first.group(1)] if first else []
    if not missing:
        log.warning("Qt's xcb plugin does not load: %s", error)
    return missing


def packages_for(sonames: Iterable[str]) -> tuple[list[str], list[str]]:
    """(Debian packages holding the libraries we know, the libraries we do not know)."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname in sonames:
        package = SONAME_PACKAGES.get(soname)
        if package is None:
            unknown.append(soname)
        elif package not in packages:
            packages.append(package)
    return packages, unknown


def explain(sonames: list[str], has_apt: bool | None = None) -> str:
    """What to tell the person, in plain words, when these libraries are missing."""
    has_apt = shutil.which("apt-get") is not None if has_apt is None else has_apt
    packages, unknown = packages_for(sonames)
    lines = [tr("PartnerDesk cannot open its window: this computer is missing system "
                "libraries that Qt (the toolkit PartnerDesk draws its windows with) needs "
                "on this desktop."),
             tr("Missing: {libraries}").format(libraries=", ".join(sonames))]
    if packages and has_apt:
        lines.append(tr("Install them with:  sudo apt-get install {packages}").format(
            packages=" ".join(packages)))
    elif packages:
        lines.append(tr("Install your system's packages for them (on Debian and Ubuntu "
                        "they are called: {packages}).").format(packages=" ".join(packages)))
    if unknown:
        lines.append(tr("Install the package that contains {libraries} (on Debian and "
                        "Ubuntu, `apt-file search {first}` names it).").format(
            libraries=", ".join(unknown), first=unknown[0]))
    lines.append(tr("Then start PartnerDesk again. Reinstalling PartnerDesk itself will not "
                    "help; your records are safe and unchanged."))
    return "\n".join(lines)


def window_problem(environ: Mapping[str, str] | None = None,
                   load: Loader = dlopen_error, list_missing: Lister = ldd_missing,
                   platform: str = sys.platform) -> str | None:
    """What keeps the window from opening, in words for a person; None when nothing does
    or the check does not apply (not Linux, offscreen and Qt's other platforms, a build
    without the plugin). Qt starts on the first platform in its order that loads."""
    environ = os.environ if environ is None else environ
    folders: list[Path] | None = None
    missing: list[str] = []
    for name in platform_order(environ, platform):
        if name not in PLUGIN_FILES:
            return None  # offscreen, eglfs...: Qt says itself what goes wrong
        folders = plugin_folders(environ) if folders is None else folders
        plugin = find_plugin(name, folders)
        if plugin is None:
            continue
        found = missing_libraries(plugin, load, list_missing)
        if not found:
            return None
        missing += [soname for soname in found if soname not in missing]
    return explain(missing) if missing else None
