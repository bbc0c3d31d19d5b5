"""The HSDS 3.0 tables and fields, read from Open Referral's own `datapackage.json`.

The descriptor is shipped unchanged in `resources/hsds/` (CC BY-SA 4.0, see SOURCE.md
there). An export writes every table it names, in its field order, empty where
PartnerDesk has nothing, and the descriptor itself: a package is complete only when
each table is present, because the descriptor's foreign keys point into all of them
(a service's `program_id` into programs.csv, say).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from partnerdesk.paths import resources_dir


def descriptor_path() -> Path:
    return resources_dir() / "hsds" / "datapackage.json"


@cache
def descriptor() -> dict[str, Any]:
    """The official HSDS 3.0 `datapackage.json`, parsed once."""
    return json.loads(descriptor_path().read_text(encoding="utf-8"))


@cache
def resources() -> dict[str, dict[str, Any]]:
    """Resource name ("organization", "phone", …) -> its descriptor entry, in order."""
    return {entry["name"]: entry for entry in descriptor()["resources"]}


def table_names() -> list[str]:
    return list(resources())


def file_name(table: str) -> str:
    return str(resources()[table]["path"])


def fields(table: str) -> list[str]:
    return [field["name"] for field in resources()[table]["schema"]["fields"]]


def descriptor_bytes() -> bytes:
    """The descriptor exactly as Open Referral publishes it."""
    return descriptor_path().read_bytes()
