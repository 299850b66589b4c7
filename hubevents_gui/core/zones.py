"""Time zones: the computer's zone, wall-clock times made exact, and HubSpot's UTC text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ZoneError(ValueError):
    """A time zone name that is not in the IANA database."""


def local_zone_name() -> str:
    """The computer's IANA zone name (Europe/Berlin), or UTC when it cannot be told."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # noqa: BLE001 - tzlocal raises several kinds on odd systems; UTC is safe
        return "UTC"
    if not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return str(name)


def load_zone(name: str) -> ZoneInfo:
    """The zone called ``name``; ZoneError with a sentence a user can act on."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin, "
            "America/New_York or UTC"
        ) from None


_UNKNOWN = object()


class WallClock:
    """Places wall-clock datetimes in one zone, fast.

    zoneinfo costs microseconds per lookup; a table of 100k events has 200k date-times. Most days
    have no offset change, so the offset is cached per calendar day, and only the two days a
    year when the clocks change take the exact (slower) path.
    """

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        # day ordinal -> the day's one offset, or None when it changes that day
        self._day_offset: dict[int, timedelta | object | None] = {}

    def _offset_of_day(self, day: int) -> timedelta | None:
        known = self._day_offset.get(day, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        midnight = datetime.fromordinal(day)
        first = midnight.replace(tzinfo=self.zone).utcoffset()
        last = (
            (midnight + timedelta(hours=23, minutes=59, seconds=59))
            .replace(tzinfo=self.zone)
            .utcoffset()
        )
        # a day starting or ending in a repeated hour changes offset within it too
        early = midnight.replace(tzinfo=self.zone, fold=1).utcoffset()
        offset = first if first == last == early else None
        self._day_offset[day] = offset
        return offset

    def ordinary_day(self, value: datetime) -> bool:
        """True when the clocks do not change on ``value``'s calendar day."""
        day = value.toordinal()
        offset = self._day_offset.get(day, _UNKNOWN)
        if offset is _UNKNOWN:
            offset = self._offset_of_day(day)
        return offset is not None

    def exact(self, value: datetime) -> datetime | str:
        """An aware datetime; for a wall-clock time that does not exist, a str saying so.

        A time skipped by a daylight-saving change is refused rather than silently moved by an
        hour. A repeated one (clocks go back) means its first occurrence.
        """
        if not _SAFE_FIRST <= value.replace(tzinfo=None) <= _SAFE_LAST:
            out_of_range = _beyond_utc(value, self.zone)
            if out_of_range:
                return out_of_range
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value
        if self._offset_of_day(value.toordinal()) is not None:
            return value.replace(tzinfo=self.zone)
        local = value.replace(tzinfo=self.zone, fold=0)
        back = local.astimezone(UTC).astimezone(self.zone)
        if back.replace(tzinfo=None) != value.replace(tzinfo=None):
            return (
                f"{value:%Y-%m-%d %H:%M} does not exist in {self.zone.key} "
                "(the clocks skip it for daylight saving)"
            )
        return local

    def utc_text(self, value: datetime) -> str:
        """HubSpot's form: UTC with milliseconds and Z, 2024-08-07T12:36:59.286Z."""
        if value.tzinfo is None:
            day = value.toordinal()
            offset = self._day_offset.get(day, _UNKNOWN)
            if offset is _UNKNOWN:
                offset = self._offset_of_day(day)
            if offset is not None:
                text: str = (value - offset).isoformat()  # type: ignore[operator]
                return text + ".000Z" if len(text) == 19 else text[:23] + "Z"
            placed = self.exact(value)
            if isinstance(placed, str):
                raise ValueError(placed)
            value = placed
        return utc_text(value)


#: wall-clock times in this span stay within datetime's years 1-9999 under any UTC offset (at
#: most a day); only the first and last day of that range need the exact check
_SAFE_FIRST = datetime(1, 1, 2)
_SAFE_LAST = datetime(9999, 12, 30, 23, 59, 59, 999999)


def is_edge_of_time(value: datetime) -> bool:
    """True when ``value`` lies on the first or last day datetime can hold (needs exact())."""
    return not _SAFE_FIRST <= value.replace(tzinfo=None) <= _SAFE_LAST


def _beyond_utc(value: datetime, zone: ZoneInfo) -> str | None:
    # HubSpot takes an instant in UTC: a time that lands before year 1 or after 9999 there
    # cannot be written down, let alone sent
    placed = value if value.tzinfo is not None else value.replace(tzinfo=zone)
    try:
        placed.astimezone(UTC)
    except (OverflowError, ValueError):
        return f"{value:%Y-%m-%d %H:%M} cannot be sent: in UTC it falls outside the years 1 to 9999"
    return None


def _iso_z(naive_utc: datetime) -> str:
    # isoformat() without arguments is the fastest form: 19 characters, or 26 with microseconds
    text = naive_utc.isoformat()
    return text + ".000Z" if len(text) == 19 else text[:23] + "Z"


@cache
def wall_clock(zone: ZoneInfo) -> WallClock:
    """The shared WallClock of ``zone`` (its day cache is reused across calls)."""
    return WallClock(zone)


def utc_text(value: datetime) -> str:
    """HubSpot's form for an aware datetime: UTC with milliseconds and Z."""
    return _iso_z(value.astimezone(UTC).replace(tzinfo=None))
