"""``python -m mirlib.cli``: the same as the ``mirlib`` command."""

import sys

from . import main

sys.exit(main())
