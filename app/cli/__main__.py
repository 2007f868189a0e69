"""`python -m app.cli ...`: the chainrule command line (e.g. with the wheel on PYTHONPATH)."""

import sys

from app.cli import main

sys.exit(main())
