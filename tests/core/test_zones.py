"""Time zones: names a user types, wall-clock times placed exactly, HubSpot's UTC text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hubevents_gui.core.zones import WallClock, ZoneError, load_zone, local_zone_name, utc_text

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_zone_name_with_spaces_loads_and_a_wrong_one_says_what_to_use() -> None:
    assert load_zone(" Europe/Berlin ").key == "Europe/Berlin"
    with pytest.raises(ZoneError, match="use an IANA name such as Europe/Berlin"):
        load_zone("Mars/Olympus")


def test_the_computers_zone_is_a_real_zone_or_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    assert ZoneInfo(local_zone_name())
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Not/AZone")
    assert local_zone_name() == "UTC"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: None)
    assert local_zone_name() == "UTC"

    def broken() -> str:
        raise OSError("no /etc/localtime")

    monkeypatch.setattr(tzlocal, "get_localzone_name", broken)
    assert local_zone_name() == "UTC"


def test_ordinary_days_and_daylight_saving_days() -> None:
    clock = WallClock(BERLIN)
    assert clock.ordinary_day(datetime(2026, 3, 28, 12))
    assert not clock.ordinary_day(datetime(2026, 3, 29, 12))  # clocks go forward
    assert not clock.ordinary_day(datetime(2026, 10, 25, 12))  # and back


def test_a_skipped_time_is_refused_and_a_repeated_one_is_its_first_occurrence() -> None:
    clock = WallClock(BERLIN)
    skipped = clock.exact(datetime(2026, 3, 29, 2, 30))
    assert isinstance(skipped, str)
    assert "does not exist in Europe/Berlin" in skipped
    repeated = clock.exact(datetime(2026, 10, 25, 2, 30))
    assert isinstance(repeated, datetime)
    assert repeated.utcoffset() == timedelta(hours=2)  # summer time, the first 02:30
    with pytest.raises(ValueError, match="does not exist"):
        clock.utc_text(datetime(2026, 3, 29, 2, 30))


def test_utc_text_is_hubspots_form_from_every_kind_of_value() -> None:
    clock = WallClock(BERLIN)
    assert clock.utc_text(datetime(2026, 1, 15, 10, 0)) == "2026-01-15T09:00:00.000Z"
    assert clock.utc_text(datetime(2026, 7, 15, 10, 0, 0, 123456)) == "2026-07-15T08:00:00.123Z"
    assert clock.utc_text(datetime(2026, 10, 25, 2, 30)) == "2026-10-25T00:30:00.000Z"
    offset = datetime(2026, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert clock.utc_text(offset) == "2026-03-04T14:30:00.000Z"  # its own offset wins
    assert utc_text(datetime(2026, 3, 4, 9, 30, tzinfo=UTC)) == "2026-03-04T09:30:00.000Z"
