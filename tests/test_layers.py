"""Qt stays at the edge: nothing outside partnerdesk/ui imports it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "partnerdesk"


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
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
