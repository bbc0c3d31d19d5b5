"""The frozen app works on its own: build it, then run it with no Python anywhere on PATH.

Slow (a few minutes for the build): `pytest tests/packaging -m slow`. Set
PARTNERDESK_BUILT_APP to an existing dist/PartnerDesk folder to test that build instead
of making a new one (scripts/build-app --check does this).
"""

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from partnerdesk import __version__
from partnerdesk.services.reporting import KINDS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="scripts/build-app builds the Linux bundle")]


@pytest.fixture(scope="module")
def bundle() -> Path:
    given = os.environ.get("PARTNERDESK_BUILT_APP")
    if given:
        return Path(given)
    result = subprocess.run([str(ROOT / "scripts" / "build-app")], cwd=ROOT,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Bundle size:" in result.stdout
    archive = ROOT / "dist" / f"PartnerDesk-{__version__}-linux-x86_64.tar.gz"
    assert archive.is_file()
    return ROOT / "dist" / "PartnerDesk"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


def environment(home: Path, **extra: str) -> dict[str, str]:
    """A fresh data folder, and a PATH with no Python (nor anything else) on it."""
    empty = home / "empty-path"
    empty.mkdir(exist_ok=True)
    env = {"HOME": str(home), "PATH": str(empty), "LANG": "C.UTF-8",
           "PARTNERDESK_DATA_DIR": str(home / "data"), "QT_QPA_PLATFORM": "offscreen",
           "XDG_DATA_HOME": str(home / "share"), "XDG_RUNTIME_DIR": str(home)}
    env.update(extra)
    assert shutil.which("python3", path=env["PATH"]) is None
    assert shutil.which("python", path=env["PATH"]) is None
    return env


def run(bundle: Path, home: Path, *args: str, expect: int = 0,
        **extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(bundle / "PartnerDesk"), *args], env=environment(home, **extra),
                            cwd=home, capture_output=True, text=True, timeout=300)
    assert result.returncode == expect, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def test_the_bundle_carries_its_files(bundle: Path) -> None:
    inside = bundle / "_internal" / "partnerdesk"
    for name in ("resources/fonts/DejaVuSans.ttf", "resources/icons/partnerdesk-256.png",
                 "resources/guide/index.html", "db/migrations/env.py",
                 "db/migrations/script.py.mako"):
        assert (inside / name).is_file(), name
    assert list((inside / "db" / "migrations" / "versions").glob("*.py"))
    plugins = bundle / "_internal" / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqxcb.so", "platforms/libqoffscreen.so",
                   "platforms/libqwayland.so", "imageformats/libqsvg.so"):
        assert (plugins / plugin).is_file(), plugin
    assert not list(bundle.rglob("*WebEngine*"))
    assert (bundle / "linux" / "install.sh").is_file()


def test_version(bundle: Path, home: Path) -> None:
    assert run(bundle, home, "--version").stdout.strip() == f"PartnerDesk {__version__}"


def test_demo_reports_export_and_import(bundle: Path, home: Path) -> None:
    out = run(bundle, home, "demo").stdout
    assert "Sample data loaded" in out
    database = home / "data" / "partnerdesk.db"
    assert database.is_file()
    with sqlite3.connect(database) as connection:
        partnership = connection.execute(
            "SELECT title FROM partnerships WHERE deleted = 0 ORDER BY title").fetchone()[0]
        meeting = connection.execute(
            "SELECT id FROM meetings WHERE deleted = 0 ORDER BY starts_at").fetchone()[0]
    pypdf = pytest.importorskip("pypdf")
    for kind in KINDS:
        target = home / f"{kind}.pdf"
        chosen = {"partnership": ["--partnership", partnership],
                  "minutes": ["--meeting", meeting]}.get(kind, [])
        run(bundle, home, "report", kind, "-o", str(target), *chosen)
        reader = pypdf.PdfReader(target)
        assert len(reader.pages) >= 1
        text = "".join(page.extract_text() for page in reader.pages)
        assert text.strip(), kind
        fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
        names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
        assert any("DejaVuSans" in name for name in names), f"{kind}: fonts {names}"

    bundle_file = home / "everything.partnerdesk"
    assert "Wrote" in run(bundle, home, "export", "-o", str(bundle_file)).stdout
    other = home / "colleague.db"
    first = run(bundle, home, "--db", str(other), "import", str(bundle_file)).stdout
    assert re.search(r"Brought in: [1-9]\d* new", first), first
    again = run(bundle, home, "--db", str(other), "import", str(bundle_file)).stdout
    assert re.search(r"Brought in: 0 new, 0 updated", again), again


def test_an_older_version_refuses_a_newer_database(bundle: Path, home: Path) -> None:
    newer = home / "newer.db"
    run(bundle, home, "--db", str(newer), "demo")
    connection = sqlite3.connect(newer)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    before = hashlib.sha256(newer.read_bytes()).hexdigest()
    result = run(bundle, home, "--db", str(newer), "stats", expect=1)
    assert "newer version of PartnerDesk" in result.stderr
    assert hashlib.sha256(newer.read_bytes()).hexdigest() == before


def test_the_window_starts_and_stays_up(bundle: Path, home: Path) -> None:
    """The GUI path imports every screen: it must open (offscreen) and keep running."""
    env = environment(home, DISPLAY=":99", PARTNERDESK_DATA_DIR=str(home / "gui-data"))
    process = subprocess.Popen([str(bundle / "PartnerDesk")], env=env, cwd=home,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
        assert process.poll() is None, process.communicate()
    finally:
        process.terminate()
        process.wait(timeout=20)
    log = home / "gui-data" / "partnerdesk.log"
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8")


def test_a_double_clicked_bundle_opens_the_window_and_the_menu_entry_appears(
        bundle: Path, home: Path) -> None:
    """What a file manager does: `PartnerDesk FILE.partnerdesk`, on a first start."""
    shared = home / "first-start"
    env = environment(home, DISPLAY=":99", XDG_DATA_HOME=str(shared),
                      PARTNERDESK_DATA_DIR=str(home / "gui-data"))
    env["PATH"] = "/usr/bin:/bin"  # install.sh needs sh and cp (there is still no Python)
    env.pop("PYTHONPATH", None)
    received = home / "from colleague.partnerdesk"
    sender = home / "sender.db"
    if not sender.exists():
        run(bundle, home, "--db", str(sender), "demo")
    run(bundle, home, "--db", str(sender), "export", "-o", str(received))
    process = subprocess.Popen([str(bundle / "PartnerDesk"), str(received)], env=env, cwd=home,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(12)
        assert process.poll() is None, process.communicate()
    finally:
        process.terminate()
        process.wait(timeout=20)
    entry = shared / "applications" / "org.partnerdesk.PartnerDesk.desktop"
    assert f"TryExec={bundle.resolve() / 'PartnerDesk'}" in entry.read_text(encoding="utf-8")
    assert (shared / "mime" / "packages" / "org.partnerdesk.PartnerDesk.xml").is_file()
