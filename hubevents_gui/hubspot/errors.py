"""Reading HubSpot's error answers: the message, missing scopes, which input a 400 names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hubevents_gui.hubspot.settings import WRITE_SCOPE
from hubevents_gui.hubspot.wire import JsonObject

if TYPE_CHECKING:  # httpx loads with the first request, not when the window starts (0.1 s)
    import httpx

#: statuses worth sending again after a pause
TRANSIENT = frozenset({408, 500, 502, 503, 504, 521, 522, 523, 524})
_INPUT_INDEX = re.compile(r"inputs\[(\d+)\]")
# how batch endpoints say a request holds too many inputs: "at most 100 inputs", "maximum of
# 100", "limit of 100", "too many inputs", "batch size ... exceeds"
_TOO_LARGE = re.compile(
    r"(?:at most|maximum(?: of)?|max(?:imum)? (?:batch )?size(?: is| of)?|limit of|up to)\s*"
    r"(?P<n>\d+)\s*(?:inputs|items|records|objects|events)"
    r"|too many (?:inputs|items|records|objects|events)"
    r"|(?:batch|request|input) size[^.]{0,40}exceed",
    re.IGNORECASE,
)


def error_text(response: httpx.Response) -> tuple[str, str | None, str | None, JsonObject]:
    """(message, category, correlation id, body) of an error answer; every field optional."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("message") or response.reason_phrase or "no message")
    details = [
        str(e.get("message"))
        for e in body.get("errors") or []
        if isinstance(e, dict) and e.get("message") and str(e.get("message")) not in message
    ]
    if details:
        message += " (" + "; ".join(details[:3]) + ")"
    category = body.get("category") or body.get("policyName") or body.get("errorType")
    correlation = body.get("correlationId")
    return (
        message,
        str(category) if category else None,
        str(correlation) if correlation else None,
        body,
    )


def missing_scopes(body: JsonObject) -> list[str]:
    scopes: list[str] = []
    for error in body.get("errors") or []:
        context = error.get("context") if isinstance(error, dict) else None
        if isinstance(context, dict):
            for key in ("requiredGranularScopes", "missingScopes", "requiredScopes"):
                scopes += [str(s) for s in context.get(key) or []]
    context = body.get("context")
    if isinstance(context, dict):
        scopes += [str(s) for s in context.get("missingScopes") or []]
    return list(dict.fromkeys(scopes)) or [WRITE_SCOPE]


def named_index(body: JsonObject, size: int) -> int | None:
    """The input a whole-batch 400 names (``inputs[3]``, or a context index), if any."""
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        for text in (error.get("in"), error.get("message")):
            match = _INPUT_INDEX.search(str(text or ""))
            if match and int(match.group(1)) < size:
                return int(match.group(1))
        context = error.get("context")
        if isinstance(context, dict):
            for value in context.get("index") or []:
                if str(value).isdigit() and int(value) < size:
                    return int(value)
    match = _INPUT_INDEX.search(str(body.get("message") or ""))
    if match and int(match.group(1)) < size:
        return int(match.group(1))
    return None


def batch_limit(status: int, message: str) -> int | None:
    """For a 400 saying the batch holds too many inputs: the most it takes (0 when it does not
    say how many); None for any other answer."""
    if status not in (400, 413, 422):
        return None
    match = _TOO_LARGE.search(message)
    if match is None:
        return None
    return int(match.group("n")) if match.group("n") else 0


def network_sentence(exc: Exception, base_url: str) -> str:
    """A failed connection as a sentence a marketer can act on (never an exception's name)."""
    import httpx

    where = httpx.URL(base_url).host or base_url
    port = httpx.URL(base_url).port
    if port:
        where = f"{where}:{port}"
    text = str(exc)
    low = text.lower()
    if isinstance(exc, httpx.TimeoutException):
        if isinstance(exc, httpx.ConnectTimeout):
            return f"Could not reach {where}: it did not answer in time."
        return f"{where} did not answer in time."
    if isinstance(exc, httpx.ConnectError):
        if "refused" in low or "errno 111" in low or "errno 61" in low or "10061" in low:
            return f"Could not reach {where}: the connection was refused."
        if (
            "name or service" in low
            or "nodename" in low
            or "getaddrinfo" in low
            or ("name resolution" in low)
        ):
            return (
                f"Could not find {where}: check the address and this computer's internet "
                "connection."
            )
        if "certificate" in low or "ssl" in low:
            return f"The secure connection to {where} failed: its certificate was not accepted."
        if "unreachable" in low:
            return f"Could not reach {where}: the network is unreachable."
        return f"Could not reach {where}."
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return f"The connection to {where} was closed before it answered."
    if isinstance(exc, httpx.ProxyError):
        return f"The proxy refused the connection to {where}."
    return f"The connection to {where} failed."


def errors_by_event(errors: list[JsonObject]) -> dict[str, JsonObject]:
    """Errors of a 207 that name their rows' externalEventId in their context."""
    named: dict[str, JsonObject] = {}
    for error in errors:
        context = error.get("context")
        if isinstance(context, dict):
            for key in ("externalEventId", "externalEventIds", "ids"):
                for value in context.get(key) or []:
                    named[str(value)] = error
    return named
