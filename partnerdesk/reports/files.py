"""Writing a finished PDF (or drawing) where the person asked, whole or not at all.

The command line and the app's Reports view both save through `write_atomically`, so a
full disk or a crash never leaves half a report that looks like a whole one, and a
folder that cannot be written is a sentence, not "something unexpected".
"""

import errno
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
    try:
        handle, temporary = tempfile.mkstemp(prefix=".partnerdesk-", suffix=target.suffix,
                                             dir=folder)
    except OSError as error:
        raise _not_written(target, error) from error
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _not_written(target, error) from error
        raise


def _not_written(target: Path, error: OSError) -> PartnerDeskError:
    reason = ("the disk is full" if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
              else error.strerror or "it cannot be written")
    return PartnerDeskError(f"Could not write {target}: {reason}. Nothing was written; free "
                            "some space or choose another folder.")
