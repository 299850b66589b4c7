"""Keeping the token out of every text: log records, messages, outcomes.

Every token a client is opened with is registered (``keep_secret``): the log file's handler
redacts each of them from every record, whichever library logged it (see core.logs)."""

from __future__ import annotations

import json
import logging
from functools import cache
from urllib.parse import quote, quote_plus

MASK = "[token]"


@cache
def _forms(token: str) -> tuple[str, ...]:
    """The token as it is and as the libraries that write it out escape it: repr and JSON
    escapes (httpx's errors print a header's value with repr), percent-encoding, UTF-8 bytes
    shown as escapes. Longest first, so a longer form is never half replaced."""
    forms = {
        token,
        repr(token)[1:-1],
        json.dumps(token)[1:-1],
        json.dumps(token, ensure_ascii=False)[1:-1],
        token.encode("unicode_escape").decode("ascii"),
        str(token.encode("utf-8", "backslashreplace"))[2:-1],
        quote(token, safe=""),
        quote_plus(token, safe=""),
    }
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def redact(text: str, token: str | None) -> str:
    if not token:
        return text
    for form in _forms(token):
        if form in text:
            text = text.replace(form, MASK)
    return text


class TokenRedactor(logging.Filter):
    """Replaces the token in every record that passes (it only ever belongs in a header)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            # the message with its arguments (an exception among them prints its own text), and
            # the traceback as text: formatted here, so nothing is formatted again later
            record.msg = redact(record.getMessage(), self.token)
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text, self.token)
        return True


#: every token this process has sent: none of them may reach a log
_SECRETS: set[str] = set()


def keep_secret(token: str) -> None:
    """Register ``token``: SecretsFilter redacts it from every record it sees from now on."""
    if token:
        _SECRETS.add(token)


def redact_all(text: str) -> str:
    """``text`` with every registered token redacted (an error shown to the user)."""
    for token in list(_SECRETS):
        text = redact(text, token)
    return text


class SecretsFilter(logging.Filter):
    """A handler's filter: every registered token redacted from each record it writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        for token in list(_SECRETS):
            TokenRedactor(token).filter(record)
        return True
