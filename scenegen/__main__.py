"""`python -m scenegen`: the same as the `scenegen` command."""

import sys

from .cli import main

sys.exit(main())
