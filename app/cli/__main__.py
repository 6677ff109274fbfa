"""`python -m app.cli`: the `lawmeet` command without the console script."""

import sys

from app.cli import main

sys.exit(main())
