"""Writes the user guide the app shows (Help > User Guide): the README's sections for users
(Install, The app, The command line, Your spreadsheet), into hubevents_gui/resources/guide.md,
which ships in the package. Run: python scripts/make_guide.py (--check: exit 1 when the guide
differs from the README's sections, as a test does)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
GUIDE = REPO / "hubevents_gui" / "resources" / "guide.md"
SECTIONS = ("Install", "The app", "The command line", "Your spreadsheet")


def guide_text(readme: str) -> str:
    """The guide: the README's opening paragraphs (no pictures) and its user sections."""
    parts = re.split(r"(?m)^## ", readme)
    opening = "\n".join(line for line in parts[0].splitlines() if not line.startswith("!["))
    opening = opening.replace("# hubevents\n", "# hubevents user guide\n", 1).strip()
    sections = {part.split("\n", 1)[0].strip(): part for part in parts[1:]}
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise SystemExit(f"README.md has no section {', '.join(missing)}")
    body = "".join("## " + sections[name].rstrip() + "\n\n" for name in SECTIONS)
    return f"{opening}\n\n{body}".rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = guide_text(README.read_text(encoding="utf-8"))
    if "--check" in argv:
        if GUIDE.read_text(encoding="utf-8") != text:
            print(f"{GUIDE} is out of date: python scripts/make_guide.py", file=sys.stderr)
            return 1
        return 0
    GUIDE.write_text(text, encoding="utf-8")
    print(f"{GUIDE}: {len(text.splitlines())} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
