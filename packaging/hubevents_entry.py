"""The bundle's hubevents executable (PyInstaller runs this as its __main__)."""

from hubevents_gui.cli import main

raise SystemExit(main())
