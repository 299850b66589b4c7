"""Keeping the token out of every text: log records, messages, outcomes.

Every token a client is opened with is registered (``keep_secret``): the log file's handler
redacts each of them from every record, whichever library logged it (see core.logs)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
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


@cache
def _pattern(tokens: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern for every form of every token, longest first: the text is redacted in one
    pass, so a mask already written is never redacted again (a one-letter token would otherwise
    eat into the "[token]" a longer one left)."""
    forms = sorted(
        {form for token in tokens if token for form in _forms(token)}, key=len, reverse=True
    )
    return re.compile("|".join(map(re.escape, forms))) if forms else None


def redact_each(text: str, tokens: Iterable[str]) -> str:
    """``text`` with every form of each of ``tokens`` replaced by the mask."""
    pattern = _pattern(frozenset(tokens))
    return pattern.sub(MASK, text) if pattern else text


def redact(text: str, token: str | None) -> str:
    return redact_each(text, (token,) if token else ())


def _redact_record(record: logging.LogRecord, tokens: Iterable[str]) -> None:
    """The message with its arguments (an exception among them prints its own text), and the
    traceback as text: formatted here, so nothing is formatted again later."""
    tokens = frozenset(t for t in tokens if t)
    if not tokens:
        return
    record.msg = redact_each(record.getMessage(), tokens)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact_each(record.exc_text, tokens)


class TokenRedactor(logging.Filter):
    """Replaces the token in every record that passes (it only ever belongs in a header)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record, (self.token,))
        return True


#: every token this process has sent: none of them may reach a log
_SECRETS: set[str] = set()


def keep_secret(token: str) -> None:
    """Register ``token``: SecretsFilter redacts it from every record it sees from now on."""
    if token:
        _SECRETS.add(token)


def redact_all(text: str) -> str:
    """``text`` with every registered token redacted (an error shown to the user)."""
    return redact_each(text, set(_SECRETS))


class SecretsFilter(logging.Filter):
    """A handler's filter: every registered token redacted from each record it writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record, set(_SECRETS))
        return True
