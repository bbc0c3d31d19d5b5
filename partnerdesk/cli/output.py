"""Printing results: plain lines for people, `--json` for scripts."""

import json
import sys
from typing import Any

from partnerdesk.services.versioning import jsonable


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=jsonable)
    sys.stdout.write("\n")


def print_table(rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths,
                                                                     strict=True)).rstrip())
