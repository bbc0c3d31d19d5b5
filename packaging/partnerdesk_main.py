"""The frozen app's entry point: the same program as `partnerdesk`, plus opening a bundle.

`freeze_support()` comes first: reports are made in a spawned child process, and a frozen
child starts by running this very file.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from partnerdesk.desktop import main

    sys.exit(main())
