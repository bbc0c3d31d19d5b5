"""Use cases in plain Python (no Qt): what the app, the command line and the tests call."""

from partnerdesk.services.desk import Desk, SearchResult
from partnerdesk.services.store import Change

__all__ = ["Change", "Desk", "SearchResult"]
