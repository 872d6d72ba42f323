"""``python -m gongkai``: the ``gongkai`` command, for when it is not on PATH (``py -m gongkai`` on Windows)."""

import sys

from .cli import main

sys.exit(main())
