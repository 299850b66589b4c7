"""Keeping the token out of every text: log records, messages, outcomes."""

from __future__ import annotations

import logging


def redact(text: str, token: str | None) -> str:
    if token and token in text:
        return text.replace(token, "[token]")
    return text


class TokenRedactor(logging.Filter):
    """Replaces the token in every record that passes (it only ever belongs in a header)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            record.msg = redact(str(record.msg), self.token)
            if record.args:
                record.args = tuple(
                    redact(a, self.token) if isinstance(a, str) else a
                    for a in (record.args if isinstance(record.args, tuple) else (record.args,))
                )
        return True
