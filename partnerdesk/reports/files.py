"""Writing a finished PDF where the person asked, whole or not at all.

The command line and the app's Reports view both save through `write_atomically`, so a
full disk or a crash never leaves half a report that looks like a whole one.
"""

import os
import tempfile
from pathlib import Path

from partnerdesk.errors import PartnerDeskError


def write_atomically(target: Path, data: bytes) -> None:
    """Written beside the target under a hidden name, then renamed over it."""
    folder = target.parent
    if not folder.is_dir():
        raise PartnerDeskError(f"The folder {folder} does not exist. Create it first or "
                               "choose another place for the report.")
    handle, temporary = tempfile.mkstemp(prefix=".partnerdesk-", suffix=".pdf", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
