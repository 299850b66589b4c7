"""What the package ships beside its code: the samples, the icons and the desktop entry are
found through the package (as in a wheel or the bundle), the wheel's package data covers every
one of them, and the Linux desktop entry installs at user level."""

from __future__ import annotations

import configparser
import fnmatch
import io
import os
import shlex
import struct
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

import hubevents_gui
from hubevents_gui import app
from hubevents_gui.cli import main as cli
from hubevents_gui.core.desktop_entry import entry_text, install_desktop_entry
from hubevents_gui.core.package_data import (
    ICON_SIZES,
    SAMPLES,
    PackageDataMissingError,
    desktop_entry_text,
    icon_path,
    resource,
    sample_copies,
    sample_path,
)
from hubevents_gui.core.sheets import SUPPORTED_SUFFIXES, read_table
from tests.conftest import REPO

PACKAGE = Path(hubevents_gui.__file__).parent


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_samples_are_read_from_the_package() -> None:
    for kind in SAMPLES:
        path = sample_path(kind)
        assert path.is_relative_to(PACKAGE), path
    table = read_table(sample_path("events"))
    assert len(table.rows) == 25


def test_every_icon_size_is_a_png_of_that_size() -> None:
    assert icon_path().read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in ICON_SIZES:
        assert _png_size(icon_path(size)) == (size, size)
    with pytest.raises(ValueError, match="no 20 px icon"):
        icon_path(20)


def test_a_missing_file_says_to_install_again() -> None:
    with pytest.raises(PackageDataMissingError, match=r"nothing\.txt is missing.*install"):
        resource("nothing.txt")


def test_the_wheel_ships_every_resource() -> None:
    """Each file under hubevents_gui/resources matches a package-data pattern of pyproject.toml
    (the wheel's content; the smoke test in CI installs one and uses them)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["hubevents_gui"]
    shipped = [
        p.relative_to(PACKAGE).as_posix()
        for p in (PACKAGE / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert len(shipped) > 20
    missing = [f for f in shipped if not any(fnmatch.fnmatchcase(f, p) for p in patterns)]
    assert missing == []


def test_the_desktop_entry_starts_the_app_for_every_file_it_reads() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read_string(desktop_entry_text())
    keys = entry["Desktop Entry"]
    assert keys["Type"] == "Application"
    assert keys["Icon"] == "hubevents"
    assert keys["Exec"].endswith(" %f")
    mime = set(keys["MimeType"].rstrip(";").split(";"))
    assert {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/csv",
    } <= mime
    assert {".xlsx", ".ods", ".csv"} <= set(SUPPORTED_SUFFIXES)


def test_exec_points_at_the_installation_and_quotes_a_path_with_spaces() -> None:
    lines = entry_text("/home/ann/My Apps/bin/hubevents-gui").splitlines()
    assert 'Exec="/home/ann/My Apps/bin/hubevents-gui" %f' in lines
    assert "TryExec=/home/ann/My Apps/bin/hubevents-gui" in lines
    assert (
        "Exec=/opt/hubevents/hubevents-gui %f"
        in entry_text("/opt/hubevents/hubevents-gui").splitlines()
    )


def _exec_program(line: str) -> str:
    """The program an Exec line starts, read as the Desktop Entry spec says a launcher reads
    it: the string escapes undone, then the first argument unquoted, then %% as %."""
    value = line.removeprefix("Exec=")
    unescaped, i = "", 0
    while i < len(value):  # the string escapes: \\ \s \n \t \r
        if value[i] == "\\" and i + 1 < len(value):
            unescaped += {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(value[i + 1], value[i + 1])
            i += 2
        else:
            unescaped += value[i]
            i += 1
    if unescaped.startswith('"'):
        word, i = "", 1
        while unescaped[i] != '"':
            if unescaped[i] == "\\":
                i += 1
            word += unescaped[i]
            i += 1
    else:
        word = unescaped.split(" ")[0]
        assert not set(word) & set("\"'\\><~|&;$*?#()`"), word  # reserved: must be quoted
    return word.replace("%%", "%")


@pytest.mark.parametrize(
    "program",
    [
        "/opt/hubevents/hubevents-gui",
        "/home/ann/My Apps/hubevents-gui",
        "/home/o'brien/hubevents/hubevents-gui",
        "/data/100%/hubevents-gui",
        "/srv/R&D (x86)/a;b/hubevents-gui",
        "/tmp/back\\slash/$HOME/`x`/hubevents-gui",
    ],
)
def test_the_exec_line_starts_the_program_whatever_its_path_holds(program: str) -> None:
    lines = entry_text(program).splitlines()
    (exec_line,) = (line for line in lines if line.startswith("Exec="))
    assert exec_line.endswith(" %f")
    assert _exec_program(exec_line) == program


def test_install_desktop_entry_writes_the_entry_and_icons_at_user_level(tmp_path: Path) -> None:
    installed = install_desktop_entry(tmp_path, command="/opt/hubevents/hubevents-gui")
    assert installed.entry == tmp_path / "applications" / "hubevents.desktop"
    assert "Exec=/opt/hubevents/hubevents-gui %f" in installed.entry.read_text(encoding="utf-8")
    for size in ICON_SIZES:
        png = tmp_path / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "hubevents.png"
        assert _png_size(png) == (size, size)
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "hubevents.svg").is_file()
    # again: it is brought up to date, not refused
    again = install_desktop_entry(tmp_path, command="/usr/bin/hubevents-gui")
    assert "Exec=/usr/bin/hubevents-gui %f" in again.entry.read_text(encoding="utf-8")
    assert list((tmp_path / "applications").iterdir()) == [again.entry]


def test_install_desktop_entry_goes_to_xdg_data_home(capsys: pytest.CaptureFixture[str]) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the desktop entry is for Linux desktops")
    assert app.main(["--install-desktop-entry"]) == 0
    entry = Path(capsys.readouterr().out.split()[1].rstrip(","))
    assert entry == Path(os.environ["XDG_DATA_HOME"]) / "applications" / "hubevents.desktop"
    assert entry.is_file()


def test_the_gui_sample_is_a_copy_the_user_can_edit_and_keep() -> None:
    from openpyxl import load_workbook

    copy = sample_copies()[0]
    assert not copy.is_relative_to(PACKAGE)
    assert copy.read_bytes() == sample_path("events").read_bytes()
    workbook = load_workbook(copy)
    workbook["Events"]["C2"] = "My own webinar"
    workbook.save(copy)
    kept = load_workbook(sample_copies()[0])  # kept, not written over
    assert kept["Events"]["C2"].value == "My own webinar"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_hubevents_sample_writes_both_sheets_and_keeps_existing_ones(tmp_path: Path) -> None:
    code, out, err = run("sample", str(tmp_path))
    assert (code, err) == (0, "")
    for kind, name in SAMPLES.items():
        assert (tmp_path / name).read_bytes() == sample_path(kind).read_bytes()
    assert f"validate {shlex.quote(str(tmp_path / 'sample-events.xlsx'))}" in out
    (tmp_path / "sample-events.xlsx").write_bytes(b"my edits")
    code, out, err = run("sample", str(tmp_path))
    assert code == 2
    assert "sample-events.xlsx" in err
    assert "already there: kept (--replace" in err
    assert (tmp_path / "sample-events.xlsx").read_bytes() == b"my edits"
    assert run("sample", str(tmp_path), "--replace")[0] == 0
    assert (tmp_path / "sample-events.xlsx").read_bytes() == sample_path("events").read_bytes()


def test_hubevents_sample_into_a_file_says_it_is_no_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, _out, err = run("sample", str(blocker))
    assert code == 2
    assert f"{blocker} is a file, not a folder" in err


def test_hubevents_sample_never_writes_through_a_link(tmp_path: Path) -> None:
    precious = tmp_path / "precious.xlsx"
    precious.write_text("PRECIOUS")
    folder = tmp_path / "samples"
    folder.mkdir()
    (folder / "sample-events.xlsx").symlink_to(precious)
    (folder / "sample-attendees.xlsx").symlink_to(tmp_path / "nowhere.xlsx")  # dangling
    code, _out, err = run("sample", str(folder))
    assert code == 2  # a link counts as there, even one pointing nowhere
    assert "already there" in err
    assert run("sample", str(folder), "--replace")[0] == 0
    assert precious.read_text() == "PRECIOUS"  # the link was replaced, not written through
    assert not (tmp_path / "nowhere.xlsx").exists()
    assert not (folder / "sample-events.xlsx").is_symlink()


def test_hubevents_sample_names_the_entry_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "sample-attendees.xlsx").mkdir()
    code, _out, err = run("sample", str(tmp_path), "--replace")
    assert code == 2
    assert f"{tmp_path / 'sample-attendees.xlsx'} is a folder, not a file" in err
    assert "sample-events.xlsx was copied, the other not" in err


def test_every_command_works_from_a_folder_that_was_deleted(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    code = textwrap.dedent(
        f"""
        import os, sys
        os.chdir({str(gone)!r}); os.rmdir({str(gone)!r})
        from hubevents_gui.cli import main
        print(main(["validate", {str(sample_path("events"))!r}, "--timezone", "UTC"]))
        print(main(["sample"]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in done.stderr
    assert done.stdout.split()[-2:] == ["1", "2"]  # validate ran; sample said why not
    assert "the current folder no longer exists" in done.stderr
