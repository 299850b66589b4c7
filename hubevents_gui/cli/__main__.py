"""``python -m hubevents_gui.cli``."""

import sys

from hubevents_gui.cli import main

sys.exit(main())
