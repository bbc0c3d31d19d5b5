"""The window on a plain Linux desktop: scripts/setup.sh installs every library Qt's window
plugins link to, and when one is still missing the app names it and its package instead of
Qt's "Reinstalling the application may fix this problem"."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QLibraryInfo

from partnerdesk.ui import platform_check
from partnerdesk.ui.platform_check import (
    SONAME_PACKAGES,
    explain,
    ldd_missing,
    missing_libraries,
    platform_order,
    window_problem,
)

ROOT = Path(__file__).resolve().parents[2]
QT_PLUGINS = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
XCB_PLUGIN = QT_PLUGINS / "platforms" / "libqxcb.so"
linux_wheel = pytest.mark.skipif(not XCB_PLUGIN.is_file() or shutil.which("ldd") is None,
                                 reason="Qt's xcb plugin and ldd are Linux things")


def setup_packages() -> set[str]:
    text = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    found = re.search(r'^QT_PACKAGES="([^"]*)"', text, re.MULTILINE)
    assert found, "scripts/setup.sh defines QT_PACKAGES"
    return set(found.group(1).replace("\\\n", " ").split())


def plugin_with_a_missing_library(tmp_path: Path) -> Path:
    """A copy of the real xcb plugin that links to a library no computer has, placed so its
    RUNPATH ($ORIGIN/../../lib) still finds the wheel's own Qt libraries."""
    qt = tmp_path / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").symlink_to(QT_PLUGINS.parent / "lib")
    data = XCB_PLUGIN.read_bytes()
    assert b"libxcb-icccm.so.4\x00" in data
    copy = qt / "plugins" / "platforms" / "libqxcb.so"
    copy.write_bytes(data.replace(b"libxcb-icccm.so.4\x00", b"libxcb-fakes.so.4\x00"))
    return copy


@linux_wheel
def test_a_missing_library_is_named_by_the_dynamic_loader(tmp_path: Path) -> None:
    plugin = plugin_with_a_missing_library(tmp_path)
    assert "libxcb-fakes.so.4" in missing_libraries(plugin)
    message = window_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0",
                              "QT_QPA_PLATFORM_PLUGIN_PATH": str(plugin.parent)},
                             platform="linux")
    assert message is not None
    assert "PartnerDesk cannot open its window" in message
    assert "libxcb-fakes.so.4" in message
    assert "apt-file search libxcb-fakes.so.4" in message  # not one we know: how to find it
    assert "Reinstalling PartnerDesk itself will not help" in message


@linux_wheel
def test_the_installed_plugin_loads_with_the_packages_setup_installs() -> None:
    """scripts/test installs setup.sh's packages first: with them, nothing is missing."""
    assert ldd_missing(XCB_PLUGIN) == []
    assert window_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, platform="linux") is None


def test_missing_libraries_are_named_with_the_packages_that_hold_them() -> None:
    missing = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-icccm.so.4"]
    found = missing_libraries(Path("libqxcb.so"),
                              load=lambda _p: "libxcb-icccm.so.4: cannot open shared object file",
                              list_missing=lambda _p: list(dict.fromkeys(missing)))
    assert found == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    message = explain(found, has_apt=True)
    assert "Missing: libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in message
    without_apt = explain(found, has_apt=False)
    assert "apt-get" not in without_apt and "libxcb-icccm4 libxcb-keysyms1" in without_apt


def test_without_ldd_the_loaders_first_complaint_is_named() -> None:
    found = missing_libraries(
        Path("libqxcb.so"),
        load=lambda _p: "/x/libqxcb.so: libxcb-cursor.so.0: cannot open shared object file: "
                        "No such file or directory",
        list_missing=lambda _p: [])
    assert found == ["libxcb-cursor.so.0"]
    assert "libxcb-cursor0" in explain(found, has_apt=True)


def test_a_plugin_that_loads_needs_nothing() -> None:
    assert missing_libraries(Path("libqxcb.so"), load=lambda _p: None,
                             list_missing=lambda _p: ["never asked"]) == []


def test_qt_tries_wayland_first_in_a_wayland_session_and_falls_back_to_xcb(
        tmp_path: Path) -> None:
    assert platform_order({"DISPLAY": ":0"}, "linux") == ["xcb"]
    assert platform_order({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"},
                          "linux") == ["wayland", "xcb"]
    assert platform_order({"QT_QPA_PLATFORM": "xcb:foo;wayland"}, "linux") == ["xcb", "wayland"]
    assert platform_order({"DISPLAY": ":0"}, "win32") == []
    platforms = tmp_path / "platforms"
    platforms.mkdir()
    for name in ("libqxcb.so", "libqwayland.so"):
        (platforms / name).write_bytes(b"")
    env = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0",
           "QT_QPA_PLATFORM_PLUGIN_PATH": str(platforms)}
    missing = {"libqwayland.so": ["libwayland-cursor.so.0"], "libqxcb.so": []}
    # Wayland cannot load but xcb can: Qt falls back to xcb, so the window opens.
    assert window_problem(env, load=lambda p: "no" if missing[p.name] else None,
                          list_missing=lambda p: missing[p.name], platform="linux") is None
    missing["libqxcb.so"] = ["libxcb-keysyms.so.1"]
    message = window_problem(env, load=lambda p: "no" if missing[p.name] else None,
                             list_missing=lambda p: missing[p.name], platform="linux")
    assert message is not None and "libwayland-cursor0" in message \
        and "libxcb-keysyms1" in message
    # Offscreen (tests, screenshots) and other platforms are left to Qt.
    assert window_problem({**env, "QT_QPA_PLATFORM": "offscreen"}, load=lambda _p: "no",
                          list_missing=lambda _p: ["x"], platform="linux") is None


def test_setup_installs_every_package_the_check_can_name() -> None:
    assert set(SONAME_PACKAGES.values()) <= setup_packages()


@linux_wheel
@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf comes with binutils")
def test_the_table_knows_every_system_library_qts_window_plugins_link_to() -> None:
    """Every library that Qt's own files (the window plugins and the Qt libraries under
    them) ask for outside the wheel has its Debian package in the table."""
    qt_lib = QT_PLUGINS.parent / "lib"
    wanted: set[str] = set()
    seen: set[Path] = set()
    todo = [XCB_PLUGIN, *(QT_PLUGINS / "platforms").glob("libqwayland*.so"),
            *(QT_PLUGINS / "xcbglintegrations").glob("*.so")]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                             check=True).stdout
        for soname in re.findall(r"\(NEEDED\).*\[(.*)\]", out):
            if (qt_lib / soname).exists():
                todo.append(qt_lib / soname)
            else:
                wanted.add(soname)
    libc = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
            "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
    assert sorted(wanted - libc - set(SONAME_PACKAGES)) == []


def test_the_app_says_what_to_install_and_opens_nothing(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    from partnerdesk.ui import app

    monkeypatch.setattr(platform_check, "window_problem",
                        lambda: explain(["libxcb-icccm.so.4"], has_apt=True))
    made: list[object] = []
    monkeypatch.setattr(app, "MainWindow", lambda *a: made.append(a))
    assert app.run(tmp_path / "records.db", ["partnerdesk"]) == 1
    assert "sudo apt-get install libxcb-icccm4" in capsys.readouterr().err
    assert made == [] and not (tmp_path / "records.db").exists()
