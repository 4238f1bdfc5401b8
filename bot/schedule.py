"""Arithmetic of daily briefings: when each subscription is owed its next delivery.

Pure functions of their inputs (no I/O, no clock), so the delivery loop, a restart and the
tests all reach the same decision from the same facts.

Rules, in one place:

- A subscription names a wall-clock time (minute precision) in an IANA zone. Each *local
  day* that exists in that zone is owed exactly one briefing, due at that wall-clock time.
- A time that does not exist on a day (the spring-forward gap) is due at the first instant
  after the gap: 02:30 in Europe/Berlin on 2024-03-31 fires at 03:00 CEST (01:00 UTC). A gap
  may end on the next date (America/Nuuk jumps from 23:00 to 00:00): that day's 23:30 then
  fires at 00:00, still once. A date a zone skipped entirely (Pacific/Apia, 2011-12-30) is
  not owed.
- A time that occurs twice (fall-back) is due once, at its first occurrence (``fold=0``).
- A day whose due instant is before the subscription's ``created_at`` is not owed, so a
  channel subscribed at 09:00 for 07:30 starts tomorrow instead of receiving a stale briefing.
- A briefing is delivered up to ``grace`` after its due instant (inclusive); later than that
  the day is skipped, never retried, and the next day is owed as usual.
"""

from __future__ import annotations

import enum
import functools
import logging
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(minutes=30)
DEFAULT_WINDOW = timedelta(hours=24)

# "7:30", "07:30" and "7.30" (the dot is how many European locales write times), and the
# 12-hour "7am", "7 a.m.", "7:30 pm"; nothing else, so "730" gets the error, not a guess.
_TIME_PATTERN = re.compile(r"(?P<hour>[0-9]{1,2})[:.](?P<minute>[0-9]{2})")
_TWELVE_HOUR = re.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?P<half>[ap])\.?\s*m\.?"
)
_NAMED_TIMES = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
# In the tz database but not places: the host's own zone, and a placeholder zone.
_NOT_ZONES = frozenset({"localtime", "factory", "posixrules"})
# Bounded walk-backs and walk-forwards: real zones shift a day by at most one date.
_MAX_DAY_SHIFT = 3


class ScheduleError(ValueError):
    """A user-supplied schedule value is invalid; the message is safe to show the user."""


class Action(enum.Enum):
    """What the delivery loop should do for a subscription right now."""

    DELIVER = "deliver"
    WAIT = "wait"
    SKIP_MISSED = "skip_missed"


@dataclass(frozen=True)
class Subscription:
    """A channel's daily briefing: a wall-clock time in an IANA zone."""

    sub_id: int
    guild_id: int
    channel_id: int
    local_time: time
    timezone: str
    created_at: datetime
    enabled: bool = True
    failures: int = 0
    last_delivered_at: datetime | None = None
    topic: str = ""  # only stories on this topic; empty: everything new

    def __post_init__(self) -> None:
        if (
            self.local_time.tzinfo is not None
            or self.local_time.second
            or self.local_time.microsecond
        ):
            raise ValueError(f"local_time must be naive with minute precision: {self.local_time!r}")
        _require_aware("created_at", self.created_at)
        if self.last_delivered_at is not None:
            _require_aware("last_delivered_at", self.last_delivered_at)
        _zone(self.timezone)  # fail at construction, not at the first delivery

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The subscription's time zone."""
        return _zone(self.timezone)


@dataclass(frozen=True)
class Decision:
    """The verdict of :func:`decide`: an action, the local day it concerns and its due instant."""

    action: Action
    local_day: date
    due: datetime


@dataclass(frozen=True)
class BriefingWindow:
    """The span of time a briefing reports on: what is new in ``[since, until)``."""

    since: datetime
    until: datetime


def parse_local_time(text: str) -> time:
    """Parse ``HH:MM`` or ``H.MM`` (24-hour), ``7am`` or ``7:30 pm`` (12-hour), ``noon`` or
    ``midnight`` into a naive minute-precision time."""
    typed = text.strip().casefold()
    if typed in _NAMED_TIMES:
        return _NAMED_TIMES[typed]
    match = _TIME_PATTERN.fullmatch(typed)
    if match is not None:
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    twelve = _TWELVE_HOUR.fullmatch(typed)
    if twelve is not None:
        hour, minute = int(twelve["hour"]), int(twelve["minute"] or 0)
        if 1 <= hour <= 12 and minute < 60:  # 12am is midnight, 12pm noon
            return time(hour % 12 + (12 if twelve["half"] == "p" else 0), minute)
    raise ScheduleError(
        f"`{text.strip()}` is not a time: use HH:MM, 24-hour (e.g. 07:30), or 7:30am"
    )


def parse_timezone(text: str) -> str:
    """Return the canonical IANA name for ``text`` (case-insensitive, spaces as underscores)."""
    wanted = text.strip().replace(" ", "_")
    name = canonical_zones().get(wanted.casefold())
    if name is None:
        raise ScheduleError(f"`{text.strip()}` is not an IANA time zone, e.g. Europe/Paris")
    return name


def due_at(sub: Subscription, day: date) -> datetime:
    """The UTC instant at which ``day`` (a local calendar day) is due for ``sub``."""
    zone = sub.zone
    wall = datetime.combine(day, sub.local_time)
    # fold=0 is the first occurrence of an ambiguous (fall-back) time, which is the one we want.
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # The wall time does not exist: zoneinfo mapped it with the pre-gap offset, which lands
    # *inside* the post-gap hours (02:30 -> 03:30). We want where the gap ends instead.
    return _gap_end(zone, wall)


def local_day(sub: Subscription, instant: datetime) -> date:
    """The subscription's local calendar day at ``instant``."""
    _require_aware("instant", instant)
    return instant.astimezone(sub.zone).date()


def decide(
    sub: Subscription,
    now: datetime,
    last_delivered_day: date | None,
    grace: timedelta = DEFAULT_GRACE,
) -> Decision:
    """Decide whether ``sub`` is owed a delivery at ``now``.

    ``last_delivered_day`` is the latest local day already *settled*, sent or skipped (see
    ``StateStore.last_handled_day``); passing only sent days makes a missed day be reported
    again on every call until the next one is due.
    """
    _require_aware("now", now)
    if grace < timedelta(0):
        raise ValueError(f"grace must not be negative: {grace}")
    day = _first_owed_day(sub, now, last_delivered_day)
    due = due_at(sub, day)
    if not sub.enabled:
        # Never a due instant in the past: a caller sleeping until it would spin.
        while due <= now:
            day += timedelta(days=1)
            due = due_at(sub, day)
    if now < due:
        return Decision(Action.WAIT, day, due)
    if now - due <= grace:
        return Decision(Action.DELIVER, day, due)
    return Decision(Action.SKIP_MISSED, day, due)


def next_due(
    sub: Subscription,
    now: datetime,
    last_delivered_day: date | None,
    grace: timedelta = DEFAULT_GRACE,
) -> datetime:
    """The due instant of the next delivery still owed; in the past if one is owed right now.

    A day already missed beyond ``grace`` is treated as skipped, so this is what a loop should
    sleep until (clamped to ``now``).
    """
    decision = decide(sub, now, last_delivered_day, grace)
    if decision.action is Action.SKIP_MISSED:
        decision = decide(sub, now, decision.local_day, grace)
    return decision.due


def briefing_window(
    sub: Subscription,
    last_delivered_at: datetime | None,
    now: datetime,
    default: timedelta = DEFAULT_WINDOW,
) -> BriefingWindow:
    """What a delivery at ``now`` covers: since the last delivery, else the last ``default``.

    ``last_delivered_at`` falls back to ``sub.last_delivered_at``. A last delivery at or after
    ``now`` (a clock that went backwards) is ignored rather than producing an empty window.
    """
    _require_aware("now", now)
    last = last_delivered_at if last_delivered_at is not None else sub.last_delivered_at
    if last is not None:
        _require_aware("last_delivered_at", last)
    since = last if last is not None and last < now else now - default
    return BriefingWindow(since=since.astimezone(UTC), until=now.astimezone(UTC))


def _first_owed_day(sub: Subscription, now: datetime, last_settled: date | None) -> date:
    """The earliest local day not yet settled, owed, and either due by ``now`` or the next due."""
    day = local_day(sub, now)
    # Start from the latest day already due: yesterday's 23:55 briefing is still within grace
    # at 00:10 today, and must not be lost because "today" is not yet due.
    for _ in range(_MAX_DAY_SHIFT):
        if due_at(sub, day) <= now:
            break
        day -= timedelta(days=1)
    if last_settled is not None and day <= last_settled:
        day = last_settled + timedelta(days=1)
    # Jump straight to the creation day: a subscription created long ago is cheap, and one
    # whose created_at is in the future (clock skew) does not loop day by day.
    day = max(day, local_day(sub, sub.created_at))
    while not _is_owed(sub, day):
        day += timedelta(days=1)
    return day


def _is_owed(sub: Subscription, day: date) -> bool:
    """Whether ``day`` exists in the zone and is due no earlier than the subscription itself."""
    due = due_at(sub, day)
    return due >= sub.created_at and _day_exists(sub.zone, day)


def _day_exists(zone: zoneinfo.ZoneInfo, day: date) -> bool:
    """False for a date a zone skipped entirely (Pacific/Apia jumped over 2011-12-30)."""
    midnight = datetime.combine(day, time(0))
    start = midnight.replace(tzinfo=zone).astimezone(UTC)
    if start.astimezone(zone).replace(tzinfo=None) != midnight:
        start = _gap_end(zone, midnight)
    return start.astimezone(zone).date() == day


def _gap_end(zone: zoneinfo.ZoneInfo, wall: datetime) -> datetime:
    """The first UTC instant after the gap that swallowed the non-existent local ``wall``."""
    # Offsets before and after the gap bracket the transition instant: with the later (larger)
    # offset the wall time maps before the transition, with the earlier one after it.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    low, high = min(low, high), max(low, high)
    # Invariant: the wall clock at `low` reads before `wall`, at `high` after it. Transitions
    # fall on whole seconds, so bisecting seconds finds the first instant past the gap.
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) // 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).replace(tzinfo=None) < wall:
            low = middle
        else:
            high = middle
    return high


def _require_aware(name: str, value: datetime) -> None:
    """Reject naive datetimes: every instant in this module is absolute."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware: {value!r}")


@functools.cache
def canonical_zones() -> dict[str, str]:
    """Case-folded IANA name -> canonical name, built once (it scans the tz database).

    ``localtime`` (whatever the host's zone is) and ``Factory`` (a placeholder) are not places.
    """
    names = zoneinfo.available_timezones()
    return {n.casefold(): n for n in names if n.casefold() not in _NOT_ZONES}


def _zone(name: str) -> zoneinfo.ZoneInfo:
    """Load a zone, turning zoneinfo's assorted failures into a :class:`ScheduleError`."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"`{name}` is not an IANA time zone, e.g. Europe/Paris") from exc
