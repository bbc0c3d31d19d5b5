"""`python -m partnerdesk ...`: the same front door as the `partnerdesk` command."""

import sys

from partnerdesk.desktop import main

sys.exit(main())
