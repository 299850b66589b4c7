"""The libraries About lists: hubevents' run-time requirements and theirs, each with its
version and the licence its metadata declares, however it declares it."""

from __future__ import annotations

from email.message import Message
from importlib import metadata
from typing import cast

from hubevents_gui.core.licences import bundled_libraries, licence_of


def _meta(**fields: str | list[str]) -> metadata.PackageMetadata:
    message = Message()
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            message[name.replace("_", "-")] = one
    return cast(metadata.PackageMetadata, message)


def test_the_runtime_requirements_are_listed_with_their_licences() -> None:
    libraries = bundled_libraries()
    names = [library.name.lower().replace("_", "-") for library in libraries]
    assert names[0] == "hubevents"  # itself first, then by name
    for needed in ("httpx", "keyring", "openpyxl", "python-calamine", "platformdirs", "tzlocal"):
        assert needed in names, needed
    assert "pytest" not in names  # the test extra is not what runs
    assert all(library.version for library in libraries)
    by_name = dict(zip(names, libraries, strict=True))
    assert by_name["httpx"].licence == "BSD-3-Clause"
    assert "LGPL" in by_name["pyside6-essentials"].licence


def test_a_licence_is_read_however_the_metadata_gives_it() -> None:
    assert licence_of(_meta(License_Expression="MIT OR Apache-2.0")) == "MIT OR Apache-2.0"
    assert licence_of(_meta(License="BSD-3-Clause")) == "BSD-3-Clause"
    classifiers = ["License :: OSI Approved :: MIT License", "Programming Language :: Python"]
    # a whole licence text in the License field: the classifiers say it shorter
    assert licence_of(_meta(License="Copyright...\n" * 40, Classifier=classifiers)) == (
        "MIT License"
    )
    assert licence_of(_meta()) == "unknown"
