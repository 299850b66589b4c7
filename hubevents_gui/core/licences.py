"""The libraries hubevents runs on, with their versions and licences (the About box lists
them): hubevents' own requirements and theirs, read from the installed distributions'
metadata (the bundle carries it too)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

DISTRIBUTION = "hubevents"


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""


def licence_of(meta: metadata.PackageMetadata) -> str:
    """The licence a distribution declares: its SPDX expression, its License field when that
    is short, else its licence classifiers; "unknown" when it says none."""
    expression = _field(meta, "License-Expression")
    if expression:
        return str(expression)
    field = _field(meta, "License").strip()
    if field and len(field) <= 60 and "\n" not in field:
        return field
    classifiers = [
        c.rsplit("::", 1)[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or "unknown"


_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirements(meta: metadata.PackageMetadata) -> list[str]:
    """The names a distribution requires, but for its extras' (tests, bundle); another
    platform's requirements are not installed here, so they are not found."""
    names = []
    for text in meta.get_all("Requires-Dist") or []:
        _, _, marker = text.partition(";")
        found = _NAME.match(text)
        if found is None or re.search(r"\bextra\s*==", marker):
            continue
        names.append(found.group(1))
    return names


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_libraries(root: str = DISTRIBUTION) -> list[Library]:
    """Every distribution ``root`` needs at run time, itself first, then by name."""
    seen: dict[str, Library] = {}
    waiting = [root]
    while waiting:
        name = waiting.pop()
        if _key(name) in seen:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed here (another platform's requirement)
        meta = distribution.metadata
        seen[_key(name)] = Library(meta["Name"], distribution.version, licence_of(meta))
        waiting += _requirements(meta)
    first = seen.pop(_key(root), None)
    rest = sorted(seen.values(), key=lambda library: _key(library.name))
    return ([first] if first is not None else []) + rest
