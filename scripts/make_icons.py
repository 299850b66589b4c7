"""Draws the application icon's PNGs (hubevents_gui/resources/icons/hubevents-<size>.png) from
its SVG source, at every size the desktop entry and the bundles use.
Run: python scripts/make_icons.py"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from hubevents_gui.core.package_data import APP_ID, ICON_SIZES, icon_path


def main() -> None:
    app = QGuiApplication(sys.argv[:1])
    source = icon_path()
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source} is not a valid SVG")
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        target = source.with_name(f"{APP_ID}-{size}.png")
        image.save(str(target))
        print(f"{target.name}: {target.stat().st_size} bytes")
    del app


if __name__ == "__main__":
    main()
