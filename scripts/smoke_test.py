"""Tries an installation as a new user would, outside the checkout: the wheel (built from the
checkout and installed into a clean virtual environment in a temporary folder) or the bundle
(dist/hubevents from build_bundle.py), each run with an empty home, no PYTHONPATH and a PATH
without the project's virtual environment.

    python scripts/smoke_test.py wheel
    python scripts/smoke_test.py bundle [FOLDER]

For each: hubevents --version; hubevents sample, then hubevents validate on it (the sample read
from the package); hubevents-gui --version; then hubevents-gui --sandbox --sample offscreen (the
sample opens: 25 rows, no question about its columns; its sandbox answers from a process of
its own), quitting cleanly on its own (exit 0, no warning or error in its log); on Linux,
hubevents-gui --install-desktop-entry, whose entry must start this installation.
Prints each step's time; exits 1 at the first failure, saying what it saw."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXE = ".exe" if sys.platform == "win32" else ""
#: what the wheel must hold besides the code
WHEEL_MUST_HOLD = (
    "hubevents_gui/resources/sample-events.xlsx",
    "hubevents_gui/resources/sample-attendees.xlsx",
    "hubevents_gui/resources/hubevents.desktop",
    "hubevents_gui/resources/guide.md",
    "hubevents_gui/resources/icons/hubevents.svg",
    "hubevents_gui/resources/icons/hubevents-16.png",
    "hubevents_gui/resources/icons/hubevents-512.png",
    "hubevents_gui/resources/icons/actions/send-all.svg",
)


class SmokeError(Exception):
    pass


def clean_env(home: Path) -> dict[str, str]:
    """An environment with nothing of the developer's: a new home, the system's PATH only."""
    system_path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not _is_venv(Path(p))
    )
    env = {
        "PATH": system_path,
        "HOME": str(home),
        "USERPROFILE": str(home),
        "APPDATA": str(home / "AppData" / "Roaming"),
        "LOCALAPPDATA": str(home / "AppData" / "Local"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        # never the user's keyring
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    for keep in ("SYSTEMROOT", "TMPDIR", "TEMP", "TMP"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    return env


def _is_venv(folder: Path) -> bool:
    return (folder.parent / "pyvenv.cfg").exists() or folder.is_relative_to(REPO)


def run(
    command: Sequence[str | Path],
    env: dict[str, str],
    cwd: Path,
    *,
    expect: int = 0,
    timeout: float = 120,
) -> str:
    started = time.monotonic()
    try:
        done = subprocess.run(
            [str(c) for c in command],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise SmokeError(f"{Path(command[0]).name} did not end within {timeout:.0f} s") from exc
    took = time.monotonic() - started
    shown = " ".join(Path(str(c)).name if i == 0 else str(c) for i, c in enumerate(command))
    print(f"  {took:6.2f} s  {shown}")
    if done.returncode != expect:
        raise SmokeError(
            f"{shown}: exit {done.returncode}, expected {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )
    if "Traceback" in done.stderr:
        raise SmokeError(f"{shown}: a traceback on stderr:\n{done.stderr}")
    return done.stdout


def expect_in(text: str, wanted: str, what: str) -> None:
    if wanted not in text:
        raise SmokeError(f"{what} does not say {wanted!r}:\n{text}")


def gui_log(home: Path) -> Path:
    """The log file in the clean home's data folder (where platformdirs puts it)."""
    found = list(home.rglob("hubevents.log"))
    if len(found) != 1:
        raise SmokeError(f"expected one hubevents.log under {home}, found {found}")
    return found[0]


def check_installation(bin_dir: Path, work: Path) -> None:
    """The checks, with ``hubevents`` and ``hubevents-gui`` from ``bin_dir``."""
    cli = bin_dir / f"hubevents{EXE}"
    gui = bin_dir / f"hubevents-gui{EXE}"
    home = work / "home"
    home.mkdir()
    env = clean_env(home)
    from hubevents_gui import __version__

    out = run([cli, "--version"], env, work)
    expect_in(out, f"hubevents {__version__}", "hubevents --version")
    out = run([cli, "sample", work / "samples"], env, work)
    events = work / "samples" / "sample-events.xlsx"
    expect_in(out, str(events), "hubevents sample")
    out = run([cli, "validate", events, "--timezone", "Europe/Berlin"], env, work, expect=1)
    expect_in(out, "25 rows read, 23 valid, 2 invalid", "hubevents validate")
    expect_in(out, "Events!G26 (End): the event ends before it starts", "hubevents validate")
    out = run([gui, "--version"], env, work)
    if sys.platform != "win32":  # a windowed program there has no stdout to print to
        expect_in(out, f"hubevents-gui {__version__}", "hubevents-gui --version")

    # a first start on the sample: it opens (its columns are the app's own: no question)
    start: list[str | Path] = [gui, "--sandbox", "--sample", "--debug", "--quit-after", "4000"]
    start += ["-platform", "offscreen"]  # Qt's own option, passed through
    run(start, env, work, timeout=90)
    text = gui_log(home).read_text(encoding="utf-8")
    expect_in(text, "opened sample-events.xlsx: 25 rows, 2 issues", "the window's log")
    # the window's sandbox is a process of its own (the bundle's hubevents beside it): its
    # portal check reached it
    expect_in(text, "hubevents sandbox: serving on http://127.0.0.1:", "the window's log")
    expect_in(text, "window closed, exit status 0", "the window's log")
    problems = [line for line in text.splitlines() if " WARNING " in line or " ERROR " in line]
    if problems:
        raise SmokeError("the window logged:\n" + "\n".join(problems))

    if sys.platform.startswith("linux"):
        out = run([gui, "--install-desktop-entry"], env, work)
        entry = Path(env["XDG_DATA_HOME"]) / "applications" / "hubevents.desktop"
        expect_in(out, str(entry), "hubevents-gui --install-desktop-entry")
        expect_in(entry.read_text(encoding="utf-8"), f"Exec={gui} %f", str(entry))


def smoke_wheel(work: Path) -> None:
    wheels = work / "wheels"
    print("building the wheel")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
    )
    (wheel,) = wheels.glob("hubevents-*.whl")
    print(
        f"  {time.monotonic() - started:6.2f} s  {wheel.name} ({wheel.stat().st_size / 1e3:.0f} kB)"
    )
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in WHEEL_MUST_HOLD if name not in names]
    if missing:
        raise SmokeError(f"the wheel lacks {', '.join(missing)}")
    print("installing it into a clean virtual environment")
    started = time.monotonic()
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run([bin_dir / f"python{EXE}", "-m", "pip", "install", "-q", wheel], check=True)
    print(f"  {time.monotonic() - started:6.2f} s  pip install {wheel.name}")
    where = subprocess.run(
        [bin_dir / f"python{EXE}", "-c", "import hubevents_gui; print(hubevents_gui.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=work,
        env=clean_env(work),
    ).stdout.strip()
    if Path(where).resolve().is_relative_to(REPO):
        raise SmokeError(f"the installed package is the checkout's: {where}")
    check_installation(bin_dir, work)


def smoke_bundle(folder: Path, work: Path) -> None:
    if not (folder / f"hubevents-gui{EXE}").is_file():
        raise SmokeError(f"no bundle in {folder}: run python scripts/build_bundle.py first")
    check_installation(folder, work)


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ("wheel", "bundle"):
        print(__doc__, file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hubevents-smoke-") as folder:
        work = Path(folder)
        try:
            if argv[0] == "wheel":
                smoke_wheel(work)
            else:
                given = Path(argv[1]) if len(argv) > 1 else REPO / "dist" / "hubevents"
                smoke_bundle(given.resolve(), work)
        except SmokeError as exc:
            print(f"smoke test of the {argv[0]} FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"smoke test of the {argv[0]} passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
