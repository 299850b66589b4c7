"""The bundle's hubevents-gui executable (PyInstaller runs this as its __main__)."""

from hubevents_gui.app import main

raise SystemExit(main())
