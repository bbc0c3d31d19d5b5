"""The Linux desktop integration files are well-formed and agree with each other.

The freedesktop validators run when they are installed (desktop-file-utils, appstream);
the files are always parsed here too, so the checks hold on any machine.
"""

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from partnerdesk import __version__
from partnerdesk.desktop import BUNDLE_SUFFIX, DESKTOP_ID, MIME_TYPE

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
DESKTOP = LINUX / f"{DESKTOP_ID}.desktop"
METAINFO = LINUX / f"{DESKTOP_ID}.metainfo.xml"
MIME = LINUX / f"{DESKTOP_ID}.mime.xml"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
ICONS = LINUX.parents[1] / "resources" / "icons"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_bundles_with_our_icon() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "PartnerDesk"
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == DESKTOP_ID
    assert entry["Exec"].split()[-1] == "%f"  # the double-clicked file reaches the app
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"]


def test_mime_type_declares_the_bundle_glob() -> None:
    root = ET.parse(MIME).getroot()
    assert root.tag == f"{MIME_NS}mime-info"
    kinds = root.findall(f"{MIME_NS}mime-type")
    assert [kind.get("type") for kind in kinds] == [MIME_TYPE]
    globs = [glob.get("pattern") for glob in kinds[0].findall(f"{MIME_NS}glob")]
    assert globs == [f"*{BUNDLE_SUFFIX}"]
    assert kinds[0].find(f"{MIME_NS}sub-class-of").get("type") == "application/zip"
    assert kinds[0].find(f"{MIME_NS}comment").text


def test_metainfo_names_the_launcher_the_version_and_the_mime_type() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == DESKTOP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    releases = [release.get("version") for release in root.iter("release")]
    assert __version__ in releases, "add a <release> for the version being shipped"
    assert MIME_TYPE in [m.text for m in root.iter("mediatype")]
    assert "patient" in ET.tostring(root.find("description"), encoding="unicode")


def test_every_icon_size_the_installer_copies_exists() -> None:
    script = (LINUX / "install.sh").read_text(encoding="utf-8")
    sizes = next(line for line in script.splitlines() if line.startswith("SIZES="))
    for size in sizes.split("=", 1)[1].strip('"').split():
        assert (ICONS / f"partnerdesk-{size}.png").is_file()
    assert (ICONS / "partnerdesk.svg").is_file()


@pytest.mark.skipif(not shutil.which("desktop-file-validate"),
                    reason="desktop-file-utils is not installed")
def test_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                            text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream is not installed")
def test_appstreamcli_validate() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("update-mime-database"),
                    reason="shared-mime-info is not installed")
def test_installer_registers_the_type_under_the_home_folder(tmp_path: Path) -> None:
    """install.sh, run as a person would (no root), then --uninstall, leaves nothing behind."""
    program = tmp_path / "Partner Desk & Co" / "PartnerDesk"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    data = tmp_path / "share"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    subprocess.run(["sh", str(LINUX / "install.sh"), "--quiet", "--exec", str(program)],
                   check=True, env=env)
    installed = (data / "applications" / DESKTOP.name).read_text(encoding="utf-8")
    assert f'Exec="{program}" %f' in installed
    assert f"TryExec={program}" in installed
    assert f"*{BUNDLE_SUFFIX}" in (data / "mime" / "globs2").read_text()
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / f"{DESKTOP_ID}.png").is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(data / "applications" / DESKTOP.name)],
                       check=True)
    subprocess.run(["sh", str(LINUX / "install.sh"), "--uninstall", "--quiet"], check=True,
                   env=env)
    left = [p for p in data.rglob("*") if p.is_file() and "artner" in p.name]
    assert not left
