"""`python -m chainrule.cli ...`: the chainrule command line (e.g. with the wheel on PYTHONPATH)."""

import sys

from chainrule.cli import main

sys.exit(main())
