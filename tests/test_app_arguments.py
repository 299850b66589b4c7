"""hubevents-gui's arguments: Qt's own options pass through to Qt, the app's are its own."""

from __future__ import annotations

import pytest

from hubevents_gui import __version__, app


@pytest.mark.parametrize(
    ("argv", "qt", "ours"),
    [
        (["-platform", "offscreen", "x.xlsx"], ["-platform", "offscreen"], ["x.xlsx"]),
        (["-style", "Fusion", "-reverse", "--sandbox"], ["-style", "Fusion", "-reverse"],
         ["--sandbox"]),
        (["--style=Fusion", "--debug"], ["-style", "Fusion"], ["--debug"]),
        # a Qt option with its value missing is left to argparse, which says so
        (["-style"], [], ["-style"]),
        (["--sandbox", "events.csv"], [], ["--sandbox", "events.csv"]),
    ],
)  # fmt: skip
def test_qt_options_are_passed_through(argv: list[str], qt: list[str], ours: list[str]) -> None:
    assert app.split_qt_arguments(argv) == (qt, ours)


def test_version_with_qt_options_says_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        app.main(["-platform", "offscreen", "-style", "Fusion", "--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"hubevents-gui {__version__}"
