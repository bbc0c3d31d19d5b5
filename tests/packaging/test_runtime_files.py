"""Every file the app reads from disk at run time travels with it, both ways it is shipped.

Run-time files are: everything under resources/ (fonts, icons, the user guide and its
pictures, sample files), the Alembic scripts that db/migrate.py loads from
MIGRATIONS_DIR, and any other non-Python file inside the package. Each must be matched
by the wheel's package data (pyproject.toml) and by the DATAS of the PyInstaller spec,
which this test reads as a literal, the way PyInstaller would, without running it.
"""

import ast
import glob
import tomllib
from pathlib import Path

import pytest

from partnerdesk.db import migrate
from partnerdesk.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "partnerdesk"
SPEC = ROOT / "packaging" / "partnerdesk.spec"
SKIPPED_PARTS = {"__pycache__"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def _files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()
            and not SKIPPED_PARTS & set(path.parts) and path.suffix not in SKIPPED_SUFFIXES}


def runtime_files() -> dict[Path, str]:
    """Each run-time file, with its place inside the installed package (posix)."""
    files: dict[Path, str] = {}
    resources = ROOT / "resources"
    for path in _files_under(resources):
        files[path] = "resources/" + path.relative_to(resources).as_posix()
    for path in _files_under(migrate.MIGRATIONS_DIR):
        files[path] = path.relative_to(PACKAGE).as_posix()
    for path in _files_under(PACKAGE):
        if path.suffix == ".py" or PACKAGE / "resources" in path.parents:
            continue  # modules are collected by import; resources are covered above
        files.setdefault(path, path.relative_to(PACKAGE).as_posix())
    return files


def spec_datas() -> list[tuple[str, str]]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "DATAS" for target in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("packaging/partnerdesk.spec has no DATAS list")


def bundle_destinations(datas: list[tuple[str, str]]) -> set[str]:
    """Where PyInstaller puts each file: a folder source keeps its tree below the target."""
    placed: set[str] = set()
    for source, target in datas:
        for match in glob.glob(str(ROOT / source)):
            found = Path(match)
            if found.is_dir():
                placed |= {f"{target}/{path.relative_to(found).as_posix()}"
                           for path in _files_under(found)}
            else:
                placed.add(f"{target}/{found.name}")
    return placed


def package_data_matches() -> set[str]:
    """Files setuptools puts in the wheel for [tool.setuptools.package-data] (posix, in package)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"].get("partnerdesk", [])
    matched: set[str] = set()
    for pattern in patterns:
        for match in glob.glob(pattern, root_dir=PACKAGE, recursive=True):
            if (PACKAGE / match).is_file():
                matched.add(Path(match).as_posix())
    return matched


def test_the_runtime_file_list_is_not_empty_and_sees_each_kind() -> None:
    places = set(runtime_files().values())
    for expected in ("resources/fonts/DejaVuSans.ttf", "resources/icons/partnerdesk-256.png",
                     "resources/icons/partnerdesk.ico", "resources/guide/index.html",
                     "db/migrations/env.py", "db/migrations/script.py.mako"):
        assert expected in places
    assert any(place.startswith("db/migrations/versions/") for place in places)


@pytest.mark.parametrize("kind", ["spec", "package-data"])
def test_every_runtime_file_is_declared(kind: str) -> None:
    if kind == "spec":
        declared = {place.removeprefix("partnerdesk/")
                    for place in bundle_destinations(spec_datas())}
    else:
        declared = package_data_matches()
    missing = sorted(place for place in runtime_files().values() if place not in declared)
    assert not missing, f"not declared in the {kind}: {missing}"


def test_the_spec_puts_files_where_the_code_looks_for_them() -> None:
    """Inside the bundle the package keeps its layout, so the code's own paths hold."""
    placed = bundle_destinations(spec_datas())
    assert resources_dir().name == "resources"
    assert migrate.MIGRATIONS_DIR.relative_to(PACKAGE).as_posix() == "db/migrations"
    assert "partnerdesk/resources/fonts/DejaVuSans.ttf" in placed
    assert "partnerdesk/db/migrations/env.py" in placed
    assert "partnerdesk/resources/guide/index.html" in placed


def test_a_file_left_out_is_caught(tmp_path: Path) -> None:
    """The check above can fail: a spec without the migrations misses them."""
    datas = [entry for entry in spec_datas() if "migrations" not in entry[1]]
    declared = {place.removeprefix("partnerdesk/") for place in bundle_destinations(datas)}
    assert "db/migrations/env.py" not in declared


def test_the_guide_links_only_to_files_that_are_shipped() -> None:
    """Every picture and stylesheet the guide names exists (a broken picture is a gap)."""
    guide = ROOT / "resources" / "guide"
    html = (guide / "index.html").read_text(encoding="utf-8")
    tree_links = [link for link in _links(html) if not link.startswith(("http", "#", "mailto"))]
    assert tree_links
    missing = [link for link in tree_links if not (guide / link).resolve().is_file()]
    assert not missing, f"the guide links to missing files: {missing}"


def _links(html: str) -> list[str]:
    from html.parser import HTMLParser

    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if name in ("src", "href") and value:
                    found.append(value.split("#", 1)[0] or "#")

    Links().feed(html)
    return found
