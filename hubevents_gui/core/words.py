"""Counting words for messages: "1 row", "2 rows"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and the word in the right number (``many`` for irregular plurals)."""
    return f"{count} {word if count == 1 else many or word + 's'}"
