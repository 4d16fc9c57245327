"""``python -m forecast.cli``: the same as the ``labor-forecast`` command."""

import sys

from forecast.cli import main

sys.exit(main())
