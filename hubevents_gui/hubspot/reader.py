"""Reading what HubSpot holds: the event list, search, identifiers, property definitions,
participation counters (and completing an event, a single idempotent write).

Every read goes through one rate-limited GET that retries what is worth retrying (5xx, 423,
timeouts, resets, a ten-secondly 429) and turns every other failure into a :class:`ReadError`
with one sentence naming the HTTP status. The reader counts its requests: pull and preview
print what they cost. No Qt here; the window calls it from a worker thread.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from hubevents_gui.core.properties import PropertyDefinition
from hubevents_gui.core.redaction import redact
from hubevents_gui.hubspot.errors import TRANSIENT, error_text, missing_scopes, network_sentence
from hubevents_gui.hubspot.ratelimit import RateLimiter
from hubevents_gui.hubspot.settings import READ_SCOPE, ConnectionSettings
from hubevents_gui.hubspot.token_check import clean_token
from hubevents_gui.hubspot.wire import JsonObject

if TYPE_CHECKING:  # httpx loads with the first reader, not when the window starts (0.1 s)
    import httpx

#: the CRM's names for the marketing-event object: which one the properties API takes is
#: not settled, so both are tried, in this order
PROPERTY_OBJECT_TYPES = ("marketing_events", "0-54")
#: a page of the event list (HubSpot's maximum)
PAGE_SIZE = 100


class ReadError(Exception):
    """A read that cannot go on: ``str()`` is one sentence for the user (no token in it)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ReadCancelledError(Exception):
    """The caller's cancel event was set: nothing more was asked."""


@dataclass(frozen=True)
class ParticipationCounters:
    """An event's participation counters, as HubSpot counts them."""

    registered: int
    attended: int
    cancelled: int
    no_shows: int

    @property
    def text(self) -> str:
        no_shows = "1 no-show" if self.no_shows == 1 else f"{self.no_shows} no-shows"
        return (
            f"{self.registered} registered, {self.attended} attended, "
            f"{self.cancelled} cancelled, {no_shows}"
        )


class HubSpotReader:
    """Reads for one connection and token. Not thread-safe: one caller at a time."""

    def __init__(
        self,
        settings: ConnectionSettings,
        token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        cancel: threading.Event | None = None,
        limiter: RateLimiter | None = None,
        on_response: Callable[[httpx.Headers], None] | None = None,
    ) -> None:
        from hubevents_gui.hubspot.http import open_client

        self.settings = settings
        self._token = clean_token(token)
        self._http = open_client(settings, self._token, transport)
        self._cancel = cancel or threading.Event()
        self.limiter = limiter or RateLimiter()
        self._on_response = on_response
        self._random = random.Random()
        #: requests sent, retries included
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubSpotReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ endpoints

    def app_id(self) -> str | None:
        """The id of the app the token belongs to (private-app token info), None when HubSpot
        does not say (a service key, an OAuth token)."""
        app = self.token_info().get("appId")
        return str(app) if app is not None else None

    def token_info(self) -> JsonObject:
        """The private-app token info (``hubId``, ``appId``, ``scopes``), retried as reads are;
        empty when HubSpot gives none for this token (a service key, an OAuth token)."""
        try:
            body = self._request(
                "POST",
                "/oauth/v2/private-apps/get/access-token-info",
                json={"tokenKey": self._token},
            )
        except ReadError as exc:
            if exc.status is None or exc.status >= 500:
                raise
            return {}  # not a private-app token: the list's appInfo and search tell
        return body if isinstance(body, dict) else {}

    def account_details(self) -> JsonObject:
        """The account's details (``portalId``, ``accountType``, ``timeZone``, ``uiDomain``):
        the cheap authenticated ping that names the portal."""
        body = self._request("GET", "/account-info/v3/details")
        return body if isinstance(body, dict) else {}

    def events(self) -> Iterator[JsonObject]:
        """Every event the list shows (every app's), a page of 100 at a time."""
        path = self.settings.list_path()
        after: str | None = None
        while True:
            params = {"limit": str(PAGE_SIZE), **({"after": after} if after else {})}
            try:
                body = self._request("GET", path, params=params)
            except ReadError as exc:
                # v3's guide and its spec disagree on the list's address: the guide's on a 404
                guide = self.settings.api_path() + "/"
                if exc.status != 404 or self.settings.api_version != "v3" or path == guide:
                    raise
                path = guide
                continue
            results = body.get("results") if isinstance(body, dict) else None
            if not isinstance(results, list):
                raise ReadError(f"HubSpot's list of events at {path} has no results: {body!r:.80}")
            yield from (item for item in results if isinstance(item, dict))
            paging = body.get("paging")
            following = paging.get("next") if isinstance(paging, dict) else None
            after = following.get("after") if isinstance(following, dict) else None
            if not after or not results:
                return

    def search(self, text: str) -> list[JsonObject]:
        """This app's events that HubSpot's search finds for ``text``, with both external ids.
        A search HubSpot refuses (4xx) finds nothing: callers fall back to identifiers."""
        try:
            body = self._request("GET", self.settings.events_path() + "/search", params={"q": text})
        except ReadError as exc:
            if exc.status is None or exc.status >= 500 or exc.status in (401, 403):
                raise
            return []
        return _results(body)

    def identifiers(self, external_event_id: str) -> list[JsonObject]:
        """Every app's events with this external event id, with their accounts and apps."""
        event = quote(external_event_id, safe="")
        try:
            body = self._request("GET", f"{self.settings.api_path()}/{event}/identifiers")
        except ReadError as exc:
            if exc.status == 404:
                return []
            raise
        return _results(body)

    def property_definitions(self) -> tuple[dict[str, PropertyDefinition] | None, str]:
        """The account's marketing-event properties by name, or (None, why they are unknown).
        Never raises for a refusal: the app works without them."""
        reasons = []
        for object_type in PROPERTY_OBJECT_TYPES:
            try:
                body = self._request("GET", f"/crm/v3/properties/{object_type}")
            except ReadError as exc:
                if exc.status is None:
                    return None, str(exc)
                reasons.append(str(exc))
                continue
            if isinstance(body, dict) and isinstance(body.get("results"), list):
                definitions = map(_definition, _results(body))
                return {d.name: d for d in definitions if d is not None}, ""
        return None, "HubSpot did not give its property definitions (" + "; ".join(reasons) + ")"

    def event(self, account: str, event_id: str) -> JsonObject | None:
        """This app's event with these external ids, or None when HubSpot holds none."""
        try:
            body = self._request(
                "GET",
                f"{self.settings.events_path()}/{quote(event_id, safe='')}",
                params={"externalAccountId": account},
            )
        except ReadError as exc:
            if exc.status == 404:
                return None
            raise
        return body if isinstance(body, dict) else None

    # ------------------------------------------------------------------ participations

    def participation_counters(self, account: str, event_id: str) -> ParticipationCounters:
        """How many contacts registered for, attended and cancelled an event, and the
        no-shows (ReadError with the status when HubSpot refuses, 404 for an unknown event)."""
        path = (
            f"{self.settings.api_path()}/participations/{quote(account, safe='')}/"
            f"{quote(event_id, safe='')}"
        )
        body = self._request("GET", path)

        def count(name: str) -> int:
            value = body.get(name) if isinstance(body, dict) else None
            return int(value) if isinstance(value, int | float) else 0

        return ParticipationCounters(
            count("registered"), count("attended"), count("cancelled"), count("noShows")
        )

    def complete_event(self, account: str, event_id: str, start: str, end: str) -> None:
        """Mark an event completed with its start and end (ISO instants): HubSpot then works
        out how long each attendee stayed. The one write outside the engine: it is a single
        idempotent request per event, retried as reads are."""
        path = f"{self.settings.events_path()}/{quote(event_id, safe='')}/complete"
        self._request(
            "POST",
            path,
            params={"externalAccountId": account},
            json={"startDateTime": start, "endDateTime": end},
        )

    # ------------------------------------------------------------------ one request

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON of a 2xx answer; retries what is transient; ReadError for the rest."""
        import httpx

        attempt = 0
        while True:
            attempt += 1
            if self._cancel.is_set() or not self.limiter.acquire(self._cancel.is_set):
                raise ReadCancelledError()
            self.requests += 1
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                self.limiter.observe({})
                why = (
                    "HubSpot did not answer in time"
                    if isinstance(exc, httpx.TimeoutException)
                    else network_sentence(exc, self.settings.base_url)
                )
                if attempt < self.settings.max_attempts:
                    self._pause(attempt)
                    continue
                raise ReadError(f"{why} (gave up after {attempt} attempts)") from None
            self.limiter.observe(response.headers)
            if self._on_response is not None:
                self._on_response(response.headers)
            status = response.status_code
            if 200 <= status < 300:
                try:
                    return response.json() if response.content else {}
                except ValueError:
                    raise ReadError(
                        f"HTTP {status} from {path} with an answer that is not JSON", status
                    ) from None
            message, category, _, body = error_text(response)
            if status == 429 and body.get("policyName") != "DAILY" and attempt < 50:
                self.limiter.pause(_retry_after(response))
                attempt -= 1  # a ten-secondly 429 only waits: it is not a failed try
                continue
            if (status in TRANSIENT or status == 423) and attempt < self.settings.max_attempts:
                self._pause(attempt, self.settings.locked_wait if status == 423 else 0.0)
                continue
            raise ReadError(self._sentence(status, category, message, body), status)

    def _sentence(self, status: int, category: str | None, message: str, body: JsonObject) -> str:
        text = f"HTTP {status}" + (f" {category}" if category else "") + f": {message}"
        if status == 403:
            scopes = ", ".join(missing_scopes(body) if body.get("errors") else [READ_SCOPE])
            text += f" (the token needs the scope {scopes})"
        elif status == 401:
            text += " (the token is wrong, revoked or expired)"
        elif status == 429:
            text += " (HubSpot's daily request limit is reached; read again tomorrow)"
        return redact(text, self._token)

    def _pause(self, attempt: int, minimum: float = 0.0) -> None:
        ceiling = min(30.0, self.settings.backoff_base * 2 ** (attempt - 1))
        delay = max(minimum, self._random.uniform(ceiling / 5, ceiling))
        if self._cancel.wait(delay):
            raise ReadCancelledError()


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _results(body: object) -> list[JsonObject]:
    results = body.get("results") if isinstance(body, dict) else None
    return [r for r in results or [] if isinstance(r, dict)]


def _definition(item: JsonObject) -> PropertyDefinition | None:
    name = item.get("name")
    if not isinstance(name, str) or not name:
        return None
    options = item.get("options") or []
    meta = item.get("modificationMetadata") or {}
    return PropertyDefinition(
        name=name,
        label=str(item.get("label") or name),
        type=str(item.get("type") or "string"),
        field_type=str(item.get("fieldType") or ""),
        options=tuple(
            str(o["value"]) for o in options if isinstance(o, dict) and o.get("value") is not None
        ),
        read_only=bool(meta.get("readOnlyValue")) if isinstance(meta, dict) else False,
    )
