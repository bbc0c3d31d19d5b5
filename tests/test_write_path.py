"""One write path: SQL that changes record tables lives in the store alone.

Every change to a synchronised record goes through `services/store.py`'s writer, which
keeps stamps, version vectors, revisions, history, the search index and the change
notice; its raw bulk SQL sits in `db/bulk.py`, which only the store imports. Migrations
change the schema and are left out.
"""

import ast
import re
from pathlib import Path

from partnerdesk.db.registry import RECORD_TYPES
from tests.sources import parse

PACKAGE = Path(__file__).resolve().parents[1] / "partnerdesk"
STORE = {"services/store.py", "db/bulk.py"}
# SQL that writes rows. The search index's own tables are written in db/search_index.py.
WRITING_SQL = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|REPLACE\s+INTO)\b",
                         re.IGNORECASE)
RECORD_TABLES = {model.__tablename__ for model in RECORD_TYPES.values()}  # type: ignore[attr-defined]
# ...and the attachment bytes an office database keeps (`db.blobs`), not a record type.
LOCAL_MODELS = {"Conflict", "HistoryEntry", "ImportBatch", "ExportLog", "Setting",
                "AttachmentBlob"}
# Their tables: SQL that writes only these (a restored file's mark in `settings`, say)
# changes no synchronised record.
LOCAL_TABLES = {"conflicts", "history", "import_batches", "export_log", "settings",
                "attachment_blobs"}
# The tables a statement names after INTO, FROM or UPDATE (not an upsert's DO UPDATE SET).
NAMED_TABLES = re.compile(r"\b(?:INTO|FROM|UPDATE)\s+\"?(?!SET\b)(\w+)", re.IGNORECASE)


def sources() -> dict[str, ast.Module]:
    return {str(path.relative_to(PACKAGE)): parse(path)
            for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def strings(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):  # an f-string, with {x} for each value
            found.append("".join(part.value if isinstance(part, ast.Constant) else "{x}"
                                 for part in node.values))
    return found


def test_only_the_store_writes_record_rows_with_sql() -> None:
    offenders = {}
    for name, tree in sources().items():
        if name in STORE:
            continue
        for text in strings(tree):
            match = WRITING_SQL.search(text)
            named = set(NAMED_TABLES.findall(text))
            if match and named and named <= LOCAL_TABLES:
                continue
            if match and not (name == "db/search_index.py" and not any(
                    re.search(rf"\b{table}\b", text) for table in RECORD_TABLES)):
                offenders[name] = text[:80]
    assert offenders == {}


def test_only_the_store_imports_the_bulk_row_writers() -> None:
    importers = set()
    for name, tree in sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "partnerdesk.db.bulk" or \
                    isinstance(node, ast.Import) and any(
                        a.name == "partnerdesk.db.bulk" for a in node.names):
                importers.add(name)
    assert importers == {"services/store.py"}


def test_sqlalchemy_statements_that_write_touch_local_tables_only() -> None:
    """`insert(...)`, `update(...)`, `delete(...)` of SQLAlchemy only on this laptop's own
    tables (history, conflicts, import batches), never on a record type."""
    offenders = []
    for name, tree in sources().items():
        writing = {alias.asname or alias.name for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                       ("sqlalchemy", "sqlmodel"))
                   for alias in node.names if alias.name in ("insert", "update", "delete")}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in writing:
                target = ast.unparse(node.args[0]) if node.args else "?"
                if target not in LOCAL_MODELS:
                    offenders.append(f"{name}: {node.func.id}({target})")
    assert offenders == []
