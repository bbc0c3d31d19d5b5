"""PartnerDesk's own modules, parsed once per test process.

Several checks read every module (Qt stays in `ui/`, private names, the one write path),
and parsing the whole package takes seconds on a busy machine: each check asked for it
again, some twice per file. A file is parsed again only when it changed (its size or
modification time), so the checks' own samples, written to temporary files, are read fresh.
"""

import ast
import functools
from pathlib import Path


@functools.cache
def _parsed(path: Path, stamp: tuple[int, int]) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def parse(path: Path) -> ast.Module:
    """The module at `path` as a syntax tree (shared: read it, do not change it)."""
    status = path.stat()
    return _parsed(path.resolve(), (status.st_mtime_ns, status.st_size))
