"""Qt stays at the edge: nothing outside partnerdesk/ui imports it."""

import ast
from pathlib import Path

from tests.sources import parse

PACKAGE = Path(__file__).resolve().parents[1] / "partnerdesk"


def qt_imports(path: Path) -> list[str]:
    tree = parse(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith(("PySide6", "shiboken6"))]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("PySide6", "shiboken6")):
            found.append(node.module or "")
    return found


def test_no_qt_below_the_ui_package() -> None:
    offenders = {str(p.relative_to(PACKAGE)): qt_imports(p) for p in PACKAGE.rglob("*.py")
                 if "ui" not in p.relative_to(PACKAGE).parts[:1] and qt_imports(p)}
    assert offenders == {}


def test_the_services_import_without_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, partnerdesk.services, partnerdesk.cli.core; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def private_uses(path: Path) -> list[str]:
    """`from partnerdesk.x import _y`, or `module._y` on a PartnerDesk module imported here."""
    tree = parse(path)
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("partnerdesk"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"from {node.module} import {alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.startswith("partnerdesk")}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") and ast.unparse(node.value) in modules:
            found.append(ast.unparse(node))
    return found


def test_no_module_uses_another_modules_private_names() -> None:
    offenders = {str(p.relative_to(PACKAGE)): private_uses(p) for p in PACKAGE.rglob("*.py")
                 if private_uses(p)}
    assert offenders == {}


def test_private_uses_are_found() -> None:
    """The check above can fail: it sees both spellings."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample.py"
        sample.write_text("from partnerdesk.services.validation import _kinds\n"
                          "from partnerdesk.db import records as r\n"
                          "r._hidden\n", encoding="utf-8")
        assert private_uses(sample) == ["from partnerdesk.services.validation import _kinds",
                                        "r._hidden"]


# What the Desk facade offers (desk.interchange, desk.sharing, desk.duplicates,
# desk.resource_map), the command line asks of it rather than of the modules behind it.
BEHIND_THE_FACADE = ("partnerdesk.sharing.csv_import", "partnerdesk.sharing.vcard",
                     "partnerdesk.sharing.hsds", "partnerdesk.sharing.ical",
                     "partnerdesk.sharing.import_common", "partnerdesk.sharing.conflicts",
                     "partnerdesk.sharing.undo", "partnerdesk.services.duplicates",
                     "partnerdesk.services.gaps", "partnerdesk.services.needs_import",
                     "partnerdesk.services.network")


def facade_bypasses(path: Path) -> list[str]:
    tree = parse(path)
    found = [node.module or "" for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and node.module in BEHIND_THE_FACADE]
    found += [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
              for a in node.names if a.name in BEHIND_THE_FACADE]
    return found


def test_the_command_line_goes_through_the_desk_facade() -> None:
    offenders = {p.name: facade_bypasses(p) for p in (PACKAGE / "cli").glob("*.py")
                 if facade_bypasses(p)}
    assert offenders == {}


def test_facade_bypasses_are_found(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from partnerdesk.sharing.vcard import plan_vcard\n"
                      "import partnerdesk.services.gaps\n", encoding="utf-8")
    assert facade_bypasses(sample) == ["partnerdesk.sharing.vcard", "partnerdesk.services.gaps"]


DATABASE_LIBRARIES = ("sqlite3", "sqlalchemy", "sqlmodel", "psycopg")


def database_imports(path: Path) -> list[str]:
    tree = parse(path)
    found = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for a in node.names if a.name.split(".")[0] in DATABASE_LIBRARIES]
    found += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
              and (node.module or "").split(".")[0] in DATABASE_LIBRARIES]
    return found


def test_the_command_line_builds_no_sql() -> None:
    """Even the quick read-only commands ask the services (`services.glance`), which hold
    the SQL; the command line only parses, calls and prints."""
    offenders = {p.name: database_imports(p) for p in (PACKAGE / "cli").glob("*.py")
                 if database_imports(p)}
    assert offenders == {}


def test_database_imports_are_found(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlite3\nfrom sqlalchemy.orm import Session\n", encoding="utf-8")
    assert database_imports(sample) == ["sqlite3", "sqlalchemy.orm"]
