"""Composing batches: the one place that decides which rows travel together.

A run composes its batches once; the run history records each row's planned batch from the same
list the engine sends.
"""

from __future__ import annotations

from collections.abc import Sequence

from hubevents_gui.core.rows import RowId
from hubevents_gui.hubspot.wire import JsonObject, echo_key

Item = tuple[RowId, JsonObject]
Batch = list[Item]


def compose_batches(items: Sequence[Item], size: int) -> list[Batch]:
    """Batches of up to ``size`` in input order, never two inputs with the same echo in one."""
    size = max(1, size)
    batches: list[Batch] = []
    last_batch_of: dict[object, int] = {}
    first_open = 0
    for item in items:
        key = echo_key(item[1])
        index = max(first_open, last_batch_of.get(key, -1) + 1)
        while index < len(batches) and len(batches[index]) >= size:
            index += 1
        if index == len(batches):
            batches.append([])
        batches[index].append(item)
        last_batch_of[key] = index
        while first_open < len(batches) and len(batches[first_open]) >= size:
            first_open += 1
    return batches
