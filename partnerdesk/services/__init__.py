"""Use cases in plain Python (no Qt): what the app, the command line and the tests call.

`Desk`, `SearchResult` and `Change` are loaded on first use (PEP 562), not when the package
is: importing any one service module (the settings, the versioning helpers, the quick
read-only queries the command line uses) would otherwise pull in every table definition
first, which is most of a short command's time.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partnerdesk.services.desk import Desk
    from partnerdesk.services.glance import SearchResult
    from partnerdesk.services.store import Change

__all__ = ["Change", "Desk", "SearchResult"]

_HOMES = {"Desk": "partnerdesk.services.desk", "SearchResult": "partnerdesk.services.glance",
          "Change": "partnerdesk.services.store"}


def __getattr__(name: str) -> Any:
    """`from partnerdesk.services import Desk` imports the Desk only when it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
