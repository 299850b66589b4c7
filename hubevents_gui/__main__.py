"""``python -m hubevents_gui`` starts the desktop app."""

from __future__ import annotations

import sys

from hubevents_gui.app import main

sys.exit(main())
