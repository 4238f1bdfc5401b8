"""Tests of bot.schedule: parsing, due instants across zones and DST, and delivery decisions."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from bot.schedule import (
    Action,
    BriefingWindow,
    Decision,
    ScheduleError,
    Subscription,
    briefing_window,
    decide,
    due_at,
    local_day,
    next_due,
    parse_local_time,
    parse_timezone,
)

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
GRACE = timedelta(minutes=30)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An aware UTC datetime, for readable expected values."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def make_sub(
    zone: str, hour: int, minute: int, created_at: datetime = LONG_AGO, **extra: object
) -> Subscription:
    """A subscription in ``zone`` at ``hour:minute``, created long ago unless told otherwise."""
    return Subscription(
        sub_id=1,
        guild_id=10,
        channel_id=100,
        local_time=time(hour, minute),
        timezone=zone,
        created_at=created_at,
        **extra,  # type: ignore[arg-type]
    )


# -- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("7.30", time(7, 30)),
        (" 23:59 ", time(23, 59)),
        ("0:00", time(0, 0)),
        ("00:00", time(0, 0)),
    ],
)
def test_parse_local_time_accepts_24_hour_forms(text: str, expected: time) -> None:
    """H:MM, HH:MM and H.MM parse to the same naive time; surrounding spaces are ignored."""
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7am", time(7, 0)),
        ("7 AM", time(7, 0)),
        ("7:30 pm", time(19, 30)),
        ("7.30pm", time(19, 30)),
        ("12am", time(0, 0)),
        ("12:15 a.m.", time(0, 15)),
        ("12pm", time(12, 0)),
        ("11:59 p.m.", time(23, 59)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
    ],
)
def test_parse_local_time_accepts_12_hour_forms(text: str, expected: time) -> None:
    """7am, 7:30 pm, 12am (midnight), 12pm (noon), with or without dots and spaces."""
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["25:00", "24:00", "7:60", "7:5", "730", "13pm", "0am", "07:30:00", "", "١٢:٣٠", "-1:30", "7"],
)
def test_parse_local_time_rejects_with_user_message(text: str) -> None:
    """Anything else is refused with a message that quotes the input and shows both forms."""
    with pytest.raises(ScheduleError) as caught:
        parse_local_time(text)
    expected = f"`{text.strip()}` is not a time: use HH:MM, 24-hour (e.g. 07:30), or 7:30am"
    assert str(caught.value) == expected


def test_parse_local_time_error_is_a_value_error() -> None:
    """ScheduleError is a ValueError, so generic validation handlers also catch it."""
    assert issubclass(ScheduleError, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  ASIA/SEOUL ", "Asia/Seoul"),
        ("america/new york", "America/New_York"),
        ("UTC", "UTC"),
        ("australia/lord_howe", "Australia/Lord_Howe"),
    ],
)
def test_parse_timezone_returns_canonical_name(text: str, expected: str) -> None:
    """Zone names match case-insensitively, with spaces for underscores, and come back canonical."""
    assert parse_timezone(text) == expected


@pytest.mark.parametrize(
    "text", ["Mars/Base", "", "../../etc/passwd", "Europe/", "CEST+2", "localtime", "Factory"]
)
def test_parse_timezone_rejects_with_user_message(text: str) -> None:
    """Unknown zones, the host's `localtime` and the placeholder `Factory` are refused with a
    message that quotes the input and gives an example."""
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(text)
    assert str(caught.value) == f"`{text}` is not an IANA time zone, e.g. Europe/Paris"


def test_subscription_rejects_bad_fields() -> None:
    """Seconds in the time, a naive created_at or an unknown zone fail at construction."""
    with pytest.raises(ValueError, match="minute precision"):
        Subscription(1, 1, 1, time(7, 30, 5), "UTC", LONG_AGO)
    with pytest.raises(ValueError, match="created_at must be timezone-aware"):
        Subscription(1, 1, 1, time(7, 30), "UTC", datetime(2024, 1, 1))
    with pytest.raises(ScheduleError, match="`Mars/Base` is not an IANA time zone"):
        Subscription(1, 1, 1, time(7, 30), "Mars/Base", LONG_AGO)


# -- due instants --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("UTC", date(2024, 6, 1), time(7, 30), utc(2024, 6, 1, 7, 30)),
        ("Asia/Seoul", date(2024, 6, 1), time(7, 30), utc(2024, 5, 31, 22, 30)),
        ("America/New_York", date(2024, 1, 15), time(7, 30), utc(2024, 1, 15, 12, 30)),
        ("America/New_York", date(2024, 7, 15), time(7, 30), utc(2024, 7, 15, 11, 30)),
        ("Europe/Berlin", date(2024, 1, 15), time(7, 30), utc(2024, 1, 15, 6, 30)),
        ("Europe/Berlin", date(2024, 7, 15), time(7, 30), utc(2024, 7, 15, 5, 30)),
        ("Australia/Lord_Howe", date(2024, 7, 15), time(7, 30), utc(2024, 7, 14, 21, 0)),
        ("Australia/Lord_Howe", date(2024, 1, 15), time(7, 30), utc(2024, 1, 14, 20, 30)),
        ("Pacific/Kiritimati", date(2024, 6, 1), time(7, 30), utc(2024, 5, 31, 17, 30)),
        ("Pacific/Kiritimati", date(2024, 6, 1), time(0, 0), utc(2024, 5, 31, 10, 0)),
        ("Asia/Kathmandu", date(2024, 6, 1), time(7, 30), utc(2024, 6, 1, 1, 45)),
    ],
)
def test_due_at_plain_days(zone: str, day: date, at: time, expected: datetime) -> None:
    """On days without a transition the due instant is the wall time at the zone's offset."""
    assert due_at(make_sub(zone, at.hour, at.minute), day) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # Northern spring-forward: 02:00 -> 03:00; times in the gap fire at 03:00 local.
        ("Europe/Berlin", date(2024, 3, 31), time(2, 30), utc(2024, 3, 31, 1, 0)),
        ("Europe/Berlin", date(2024, 3, 31), time(2, 0), utc(2024, 3, 31, 1, 0)),
        ("Europe/Berlin", date(2024, 3, 31), time(1, 59), utc(2024, 3, 31, 0, 59)),
        ("Europe/Berlin", date(2024, 3, 31), time(3, 0), utc(2024, 3, 31, 1, 0)),
        ("America/New_York", date(2024, 3, 10), time(2, 30), utc(2024, 3, 10, 7, 0)),
        # Southern spring-forward: Sydney 02:00 -> 03:00, Lord Howe 02:00 -> 02:30.
        ("Australia/Sydney", date(2024, 10, 6), time(2, 30), utc(2024, 10, 5, 16, 0)),
        ("Australia/Lord_Howe", date(2024, 10, 6), time(2, 15), utc(2024, 10, 5, 15, 30)),
        ("Australia/Lord_Howe", date(2024, 10, 6), time(2, 30), utc(2024, 10, 5, 15, 30)),
        # Chile springs forward at midnight: 00:00 -> 01:00 on 2024-09-08.
        ("America/Santiago", date(2024, 9, 8), time(0, 30), utc(2024, 9, 8, 4, 0)),
    ],
)
def test_due_at_spring_forward_gap_fires_when_gap_ends(
    zone: str, day: date, at: time, expected: datetime
) -> None:
    """A wall time that does not exist fires at the first instant after the gap, not later."""
    assert due_at(make_sub(zone, at.hour, at.minute), day) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # Northern fall-back: the first 02:30 is still CEST (+2), the second CET (+1).
        ("Europe/Berlin", date(2024, 10, 27), time(2, 30), utc(2024, 10, 27, 0, 30)),
        ("America/New_York", date(2024, 11, 3), time(1, 30), utc(2024, 11, 3, 5, 30)),
        # Southern fall-back: Sydney 03:00 -> 02:00, Lord Howe 02:00 -> 01:30.
        ("Australia/Sydney", date(2024, 4, 7), time(2, 30), utc(2024, 4, 6, 15, 30)),
        ("Australia/Lord_Howe", date(2024, 4, 7), time(1, 45), utc(2024, 4, 6, 14, 45)),
    ],
)
def test_due_at_fall_back_fires_at_first_occurrence(
    zone: str, day: date, at: time, expected: datetime
) -> None:
    """A wall time that occurs twice fires once, at its first (fold=0) occurrence."""
    assert due_at(make_sub(zone, at.hour, at.minute), day) == expected


@pytest.mark.parametrize(
    ("zone", "instant", "expected"),
    [
        ("UTC", utc(2024, 6, 1, 23, 59), date(2024, 6, 1)),
        ("Asia/Seoul", utc(2024, 5, 31, 15, 0), date(2024, 6, 1)),
        ("America/New_York", utc(2024, 6, 1, 3, 59), date(2024, 5, 31)),
        ("Pacific/Kiritimati", utc(2024, 5, 31, 10, 0), date(2024, 6, 1)),
    ],
)
def test_local_day_is_the_zone_calendar_day(zone: str, instant: datetime, expected: date) -> None:
    """The same instant falls on different calendar days in different zones."""
    assert local_day(make_sub(zone, 7, 30), instant) == expected


def test_local_day_rejects_naive_instants() -> None:
    """A naive datetime is ambiguous, so it is refused rather than guessed."""
    with pytest.raises(ValueError, match="instant must be timezone-aware"):
        local_day(make_sub("UTC", 7, 30), datetime(2024, 6, 1, 12, 0))


# -- decisions -----------------------------------------------------------------------------

BERLIN = make_sub("Europe/Berlin", 7, 30)  # 05:30 UTC in summer
MAY_31, MAY_31_DUE = date(2024, 5, 31), utc(2024, 5, 31, 5, 30)
JUNE_1 = date(2024, 6, 1)
JUNE_1_DUE = utc(2024, 6, 1, 5, 30)
JUNE_2_DUE = utc(2024, 6, 2, 5, 30)


@pytest.mark.parametrize(
    ("now", "last_day", "expected"),
    [
        (utc(2024, 6, 1, 5, 29, 59), MAY_31, Decision(Action.WAIT, JUNE_1, JUNE_1_DUE)),
        (utc(2024, 6, 1, 5, 29, 59), None, Decision(Action.SKIP_MISSED, MAY_31, MAY_31_DUE)),
        (JUNE_1_DUE, None, Decision(Action.DELIVER, JUNE_1, JUNE_1_DUE)),
        (JUNE_1_DUE + GRACE, None, Decision(Action.DELIVER, JUNE_1, JUNE_1_DUE)),
        (
            JUNE_1_DUE + GRACE + timedelta(seconds=1),
            None,
            Decision(Action.SKIP_MISSED, JUNE_1, JUNE_1_DUE),
        ),
        (JUNE_1_DUE, JUNE_1, Decision(Action.WAIT, date(2024, 6, 2), JUNE_2_DUE)),
        (utc(2024, 6, 1, 22, 0), JUNE_1, Decision(Action.WAIT, date(2024, 6, 2), JUNE_2_DUE)),
        (utc(2024, 6, 1, 5, 0), MAY_31, Decision(Action.WAIT, JUNE_1, JUNE_1_DUE)),
    ],
)
def test_decide_grace_window_edges(
    now: datetime, last_day: date | None, expected: Decision
) -> None:
    """Deliver from due through due + grace inclusive; one second later (or unlogged days) skip."""
    assert decide(BERLIN, now, last_day, GRACE) == expected


def test_decide_after_a_skip_waits_for_the_next_day() -> None:
    """Once the caller records a missed day, the same instant yields WAIT for tomorrow."""
    late = JUNE_1_DUE + timedelta(hours=3)
    assert decide(BERLIN, late, None, GRACE).action is Action.SKIP_MISSED
    assert decide(BERLIN, late, JUNE_1, GRACE) == Decision(
        Action.WAIT, date(2024, 6, 2), JUNE_2_DUE
    )


def test_decide_subscription_created_after_todays_time_starts_tomorrow() -> None:
    """Subscribing at 08:00 local for 07:30 does not produce a stale briefing for today."""
    sub = make_sub("Europe/Berlin", 7, 30, created_at=utc(2024, 6, 1, 6, 0))
    assert decide(sub, utc(2024, 6, 1, 6, 5), None, GRACE) == Decision(
        Action.WAIT, date(2024, 6, 2), JUNE_2_DUE
    )


def test_decide_subscription_created_before_todays_time_delivers_today() -> None:
    """Subscribing at 07:00 local for 07:30 delivers today; created exactly at due also does."""
    early = make_sub("Europe/Berlin", 7, 30, created_at=utc(2024, 6, 1, 5, 0))
    exact = make_sub("Europe/Berlin", 7, 30, created_at=JUNE_1_DUE)
    expected = Decision(Action.DELIVER, JUNE_1, JUNE_1_DUE)
    assert decide(early, utc(2024, 6, 1, 5, 40), None, GRACE) == expected
    assert decide(exact, utc(2024, 6, 1, 5, 40), None, GRACE) == expected


def test_decide_yesterdays_late_briefing_survives_midnight() -> None:
    """A 23:55 briefing is still delivered at 00:10 the next local day, within grace."""
    sub = make_sub("Europe/Berlin", 23, 55)
    now = utc(2024, 6, 1, 22, 10)  # 00:10 CEST on June 2
    assert decide(sub, now, date(2024, 5, 31), GRACE) == Decision(
        Action.DELIVER, JUNE_1, utc(2024, 6, 1, 21, 55)
    )


def test_decide_restart_at_the_same_instant_gives_the_same_decision() -> None:
    """A fresh process rebuilding the same inputs reaches the identical decision."""
    now = JUNE_1_DUE + timedelta(minutes=7)
    first = decide(BERLIN, now, date(2024, 5, 31), GRACE)
    rebuilt = dataclasses.replace(BERLIN)
    assert decide(rebuilt, now, date(2024, 5, 31), GRACE) == first
    assert first == Decision(Action.DELIVER, JUNE_1, JUNE_1_DUE)


def test_decide_disabled_subscription_only_waits() -> None:
    """A disabled subscription is never delivered and always waits for a future instant."""
    sub = dataclasses.replace(BERLIN, enabled=False)
    assert decide(sub, JUNE_1_DUE, MAY_31, GRACE) == Decision(
        Action.WAIT, date(2024, 6, 2), JUNE_2_DUE
    )
    assert decide(sub, JUNE_1_DUE - timedelta(seconds=1), MAY_31, GRACE) == Decision(
        Action.WAIT, JUNE_1, JUNE_1_DUE
    )


def test_decide_on_spring_forward_day_delivers_at_gap_end() -> None:
    """02:30 Berlin on 2024-03-31 waits until 01:00 UTC (03:00 CEST) and delivers then."""
    sub = make_sub("Europe/Berlin", 2, 30)
    day, due = date(2024, 3, 31), utc(2024, 3, 31, 1, 0)
    before = date(2024, 3, 30)
    assert decide(sub, due - timedelta(seconds=1), before, GRACE) == Decision(Action.WAIT, day, due)
    assert decide(sub, due, before, GRACE) == Decision(Action.DELIVER, day, due)


def test_decide_on_fall_back_day_does_not_deliver_twice() -> None:
    """01:30 New York on 2024-11-03: delivered at the first 01:30; the second one waits."""
    sub = make_sub("America/New_York", 1, 30)
    day = date(2024, 11, 3)
    first, second = utc(2024, 11, 3, 5, 30), utc(2024, 11, 3, 6, 30)
    assert decide(sub, first, None, GRACE) == Decision(Action.DELIVER, day, first)
    assert decide(sub, second, day, GRACE) == Decision(
        Action.WAIT, date(2024, 11, 4), utc(2024, 11, 4, 6, 30)
    )
    assert decide(sub, second, None, GRACE) == Decision(Action.SKIP_MISSED, day, first)


def test_decide_skips_a_day_the_zone_never_had() -> None:
    """Samoa jumped from 2011-12-29 to 2011-12-31; the missing day is not owed."""
    sub = make_sub("Pacific/Apia", 7, 30)
    now = utc(2011, 12, 30, 10, 30)  # 00:30 on 2011-12-31 in Apia (+14)
    assert decide(sub, now, date(2011, 12, 29), GRACE) == Decision(
        Action.WAIT, date(2011, 12, 31), utc(2011, 12, 30, 17, 30)
    )


def test_decide_with_settled_day_in_the_future_waits_past_it() -> None:
    """If the clock went backwards behind the log, nothing is delivered twice."""
    assert decide(BERLIN, JUNE_1_DUE, date(2024, 6, 5), GRACE) == Decision(
        Action.WAIT, date(2024, 6, 6), utc(2024, 6, 6, 5, 30)
    )


def test_decide_rejects_naive_now_and_negative_grace() -> None:
    """Programming errors fail loudly instead of producing a plausible decision."""
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        decide(BERLIN, datetime(2024, 6, 1, 7, 30), None, GRACE)
    with pytest.raises(ValueError, match="grace must not be negative"):
        decide(BERLIN, JUNE_1_DUE, None, -GRACE)


@pytest.mark.parametrize(
    ("now", "last_day", "expected"),
    [
        (utc(2024, 6, 1, 3, 0), None, JUNE_1_DUE),
        (JUNE_1_DUE + timedelta(minutes=5), None, JUNE_1_DUE),
        (JUNE_1_DUE + timedelta(hours=2), None, JUNE_2_DUE),
        (JUNE_1_DUE + timedelta(minutes=5), JUNE_1, JUNE_2_DUE),
    ],
)
def test_next_due(now: datetime, last_day: date | None, expected: datetime) -> None:
    """next_due is the owed due instant (past if owed now), jumping over a missed day."""
    assert next_due(BERLIN, now, last_day, GRACE) == expected


# -- briefing windows ----------------------------------------------------------------------

NOW = utc(2024, 6, 1, 5, 30)


def test_briefing_window_since_last_delivery() -> None:
    """After a delivery the window starts at that delivery."""
    last = utc(2024, 5, 30, 5, 31)
    assert briefing_window(BERLIN, last, NOW) == BriefingWindow(last, NOW)


def test_briefing_window_defaults_to_last_24_hours() -> None:
    """Without a previous delivery the window is the last 24 hours, or the given default."""
    assert briefing_window(BERLIN, None, NOW) == BriefingWindow(utc(2024, 5, 31, 5, 30), NOW)
    assert briefing_window(BERLIN, None, NOW, timedelta(hours=6)) == BriefingWindow(
        utc(2024, 5, 31, 23, 30), NOW
    )


def test_briefing_window_falls_back_to_subscription_and_ignores_future() -> None:
    """sub.last_delivered_at is used when none is passed; a future one is ignored."""
    last = utc(2024, 5, 31, 12, 0)
    sub = dataclasses.replace(BERLIN, last_delivered_at=last)
    assert briefing_window(sub, None, NOW) == BriefingWindow(last, NOW)
    future = NOW + timedelta(minutes=1)
    assert briefing_window(BERLIN, future, NOW) == BriefingWindow(utc(2024, 5, 31, 5, 30), NOW)


def test_briefing_window_is_in_utc() -> None:
    """A window computed from a non-UTC now is expressed in UTC."""
    seoul_now = NOW.astimezone(zoneinfo.ZoneInfo("Asia/Seoul"))
    window = briefing_window(BERLIN, None, seoul_now)
    assert (window.since.tzinfo, window.until) == (UTC, NOW)


# -- whole-year simulation -----------------------------------------------------------------

STEP = timedelta(minutes=10)
SIM_START = utc(2024, 1, 1, 0, 0)
SIM_END = SIM_START + timedelta(days=400)


def simulate(sub: Subscription, end: datetime = SIM_END) -> dict[date, datetime]:
    """Run a 10-minute-tick clock from sub.created_at to ``end``; return day -> delivery tick.

    Ticks where decide says WAIT are skipped in bulk, but the last tick before each due
    instant and the first tick at or after it are always evaluated, which is where a wrong
    answer would show.
    """
    delivered: dict[date, datetime] = {}
    last_day: date | None = None
    now = sub.created_at
    while now < end:
        decision = decide(sub, now, last_day, GRACE)
        assert decision.action is not Action.SKIP_MISSED, (now, decision)
        if decision.action is Action.DELIVER:
            assert decision.local_day not in delivered, (now, decision)
            assert decision.due <= now < decision.due + STEP
            delivered[decision.local_day] = now
            last_day = decision.local_day
            now += STEP
            continue
        assert decision.due > now
        ticks_before_due = (decision.due - now - timedelta(microseconds=1)) // STEP
        now += max(ticks_before_due, 1) * STEP
    return delivered


@pytest.mark.parametrize(
    ("zone", "hour", "minute", "checks"),
    [
        ("UTC", 0, 0, {}),
        ("Asia/Seoul", 7, 30, {}),
        ("Asia/Kathmandu", 7, 30, {date(2024, 6, 1): utc(2024, 6, 1, 1, 50)}),
        ("America/New_York", 2, 30, {date(2024, 3, 10): utc(2024, 3, 10, 7, 0)}),
        ("America/New_York", 1, 30, {date(2024, 11, 3): utc(2024, 11, 3, 5, 30)}),
        ("Europe/Berlin", 2, 30, {date(2024, 3, 31): utc(2024, 3, 31, 1, 0)}),
        ("Europe/Berlin", 2, 0, {date(2024, 10, 27): utc(2024, 10, 27, 0, 0)}),
        ("Australia/Sydney", 2, 30, {date(2024, 10, 6): utc(2024, 10, 5, 16, 0)}),
        ("Australia/Lord_Howe", 2, 15, {date(2024, 10, 6): utc(2024, 10, 5, 15, 30)}),
        ("Australia/Lord_Howe", 1, 45, {date(2024, 4, 7): utc(2024, 4, 6, 14, 50)}),
        ("America/Santiago", 0, 0, {date(2024, 9, 8): utc(2024, 9, 8, 4, 0)}),
        ("Pacific/Kiritimati", 23, 55, {}),
        # Nuuk springs forward from 23:00 to 00:00: March 30's 23:30 is owed at 00:00 March 31.
        ("America/Nuuk", 23, 30, {date(2024, 3, 30): utc(2024, 3, 31, 1, 0)}),
    ],
)
def test_simulated_year_delivers_every_local_day_exactly_once(
    zone: str, hour: int, minute: int, checks: dict[date, datetime]
) -> None:
    """Over 400 days of ticks, every local day is delivered once: none skipped, none doubled."""
    sub = make_sub(zone, hour, minute, created_at=SIM_START)
    delivered = simulate(sub)
    days = sorted(delivered)
    assert days == [days[0] + timedelta(days=n) for n in range(len(days))]
    assert len(days) in (400, 401)
    assert days[0] == local_day(sub, due_at(sub, days[0]))
    for day, tick in checks.items():
        assert delivered[day] == tick


# -- properties ----------------------------------------------------------------------------

ZONES = sorted(zoneinfo.available_timezones())
MODERN = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2037, 12, 31))


# A move either lets the clock run (seconds) or lands it near the next due instant (offset
# from due, in seconds), where the grace edges live; the clock never runs backwards.
MOVES = st.lists(
    st.one_of(
        st.tuples(st.just("run"), st.integers(min_value=0, max_value=36 * 3600)),
        st.tuples(st.just("near_due"), st.integers(min_value=-60, max_value=3 * 3600 + 60)),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    created=MODERN,
    moves=MOVES,
    grace_minutes=st.integers(min_value=0, max_value=180),
)
def test_decide_applied_to_a_log_delivers_each_day_at_most_once(
    zone: str, at: time, created: datetime, moves: list[tuple[str, int]], grace_minutes: int
) -> None:
    """Any zone, time and clock: at most one DELIVER per local day, each inside its window."""
    sub = make_sub(zone, at.hour, at.minute, created_at=created.replace(tzinfo=UTC))
    grace = timedelta(minutes=grace_minutes)
    now, last_day, delivered = sub.created_at, None, set[date]()
    decision = decide(sub, now, last_day, grace)
    for kind, seconds in moves:
        target = now if kind == "run" else decision.due
        now = max(now, target + timedelta(seconds=seconds))
        decision = decide(sub, now, last_day, grace)
        event(decision.action.name)
        assert decide(sub, now, last_day, grace) == decision  # pure: a restart agrees
        assert decision.due == due_at(sub, decision.local_day) >= sub.created_at
        assert last_day is None or decision.local_day > last_day
        if decision.action is Action.WAIT:
            assert decision.due > now
            continue
        late = now - decision.due
        if decision.action is Action.DELIVER:
            assert timedelta(0) <= late <= grace
            assert decision.local_day not in delivered
            delivered.add(decision.local_day)
        else:
            assert late > grace
        last_day = decision.local_day


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(ZONES), at=st.times(), day=MODERN.map(lambda d: d.date()))
def test_due_instants_are_strictly_increasing_day_to_day(zone: str, at: time, day: date) -> None:
    """Consecutive existing local days never share or swap due instants, across any transition."""
    sub = make_sub(zone, at.hour, at.minute)
    assume(exists(sub, day) and exists(sub, day + timedelta(days=1)))
    today, tomorrow = due_at(sub, day), due_at(sub, day + timedelta(days=1))
    assert today < tomorrow
    assert timedelta(hours=0) < tomorrow - today <= timedelta(hours=48)


def exists(sub: Subscription, day: date) -> bool:
    """Whether some instant has local date ``day`` (scanned hourly, independently of schedule)."""
    start = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=15)
    return any(local_day(sub, start + timedelta(hours=n)) == day for n in range(56))


@pytest.mark.parametrize(
    ("hour", "minute", "dec_31"),
    [(0, 0, utc(2011, 12, 30, 10, 0)), (7, 30, utc(2011, 12, 30, 17, 30))],
)
def test_simulated_month_over_a_skipped_day(hour: int, minute: int, dec_31: datetime) -> None:
    """Samoa skipped 2011-12-30: every other day is delivered once, that one never."""
    start = utc(2011, 12, 1)
    sub = make_sub("Pacific/Apia", hour, minute, created_at=start)
    delivered = simulate(sub, utc(2012, 1, 15))
    expected = [date(2011, 12, 1) + timedelta(days=n) for n in range(46)]
    expected.remove(date(2011, 12, 30))
    assert sorted(delivered) == expected
    assert delivered[date(2011, 12, 31)] == dec_31


def test_schedule_does_not_import_discord() -> None:
    """The schedule is pure: importing it in a fresh interpreter does not pull in discord."""
    code = "import sys, bot.schedule; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
