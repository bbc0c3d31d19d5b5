"""Which heavy modules a fresh interpreter loads for some code (this test process has
imported everything already, so it cannot tell)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Whole packages (and their sub-modules), then single modules of ours.
HEAVY_PACKAGES = ("sqlmodel", "sqlalchemy", "PySide6", "shiboken6", "alembic", "reportlab")
HEAVY_MODULES = ("partnerdesk.db.records", "partnerdesk.services.desk")


def loaded_after(code: str, env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """Run `code` in a new interpreter; (the heavy modules it loaded, what it printed)."""
    probe = (f"import json, sys\n{code}\n"
             f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             f"{HEAVY_PACKAGES!r} or m in {HEAVY_MODULES!r})))")
    base = {**os.environ, **(env or {})}
    base["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [base.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=base, check=True, timeout=300)
    *printed, modules = done.stdout.strip().splitlines()
    return json.loads(modules), "\n".join(printed)
