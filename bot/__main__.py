"""`python -m bot` is the same as `popbot`."""

import sys

from bot.cli import main

sys.exit(main())
