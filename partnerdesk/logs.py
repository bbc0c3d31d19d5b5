"""One log file in the data folder: full tracebacks go there, never to a person's screen."""

import logging
from logging.handlers import RotatingFileHandler

from partnerdesk.paths import log_path
from partnerdesk.private import tighten


def setup_logging() -> None:
    root = logging.getLogger("partnerdesk")
    if root.handlers:
        return
    root.setLevel(logging.INFO)
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
        tighten(path.parent, path, *path.parent.glob(path.name + ".*"))
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
