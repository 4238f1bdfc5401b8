"""Time zones as people name them: cities, countries, "Pacific Time", "UTC+2".

Everything resolves to an IANA name (what ``bot.schedule`` stores), so a subscription follows
its place's daylight saving. Abbreviations such as EST are refused with the zone meant: EST is
UTC-5 all year, an hour off in New York for most of it. Pure functions over the tz database
that ships with the ``tzdata`` package.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from dataclasses import dataclass

from bot.schedule import ScheduleError, canonical_zones

# Abbreviations (and the POSIX-style legacy zones) -> the zone meant, and the place it is.
_ABBREVIATIONS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("est", "edt", "est5edt"), ("America/New_York", "New York")),
    **dict.fromkeys(("cst", "cdt", "cst6cdt"), ("America/Chicago", "Chicago")),
    **dict.fromkeys(("mst", "mdt", "mst7mdt"), ("America/Denver", "Denver")),
    **dict.fromkeys(("pst", "pdt", "pst8pdt"), ("America/Los_Angeles", "Los Angeles")),
    **dict.fromkeys(("akst", "akdt"), ("America/Anchorage", "Anchorage")),
    "hst": ("Pacific/Honolulu", "Honolulu"),
    "bst": ("Europe/London", "London"),
    "ist": ("Asia/Kolkata", "India"),
    **dict.fromkeys(("cet", "cest", "met"), ("Europe/Paris", "Paris")),
    **dict.fromkeys(("eet", "eest"), ("Europe/Athens", "Athens")),
    **dict.fromkeys(("wet", "west"), ("Europe/Lisbon", "Lisbon")),
    "jst": ("Asia/Tokyo", "Tokyo"),
    "kst": ("Asia/Seoul", "Seoul"),
    **dict.fromkeys(("aest", "aedt"), ("Australia/Sydney", "Sydney")),
    **dict.fromkeys(("nzst", "nzdt"), ("Pacific/Auckland", "Auckland")),
}
# IANA names that never change their offset, and the offset they keep.
_FIXED = {"est": "UTC−5", "mst": "UTC−7", "hst": "UTC−10"}
_COMMON: dict[str, str] = {
    **dict.fromkeys(("pacific", "pacific time", "us pacific"), "America/Los_Angeles"),
    **dict.fromkeys(("eastern", "eastern time", "us eastern"), "America/New_York"),
    **dict.fromkeys(("central", "central time", "us central"), "America/Chicago"),
    **dict.fromkeys(("mountain", "mountain time", "us mountain"), "America/Denver"),
    **dict.fromkeys(("alaska", "alaska time"), "America/Anchorage"),
    **dict.fromkeys(("hawaii", "hawaii time"), "Pacific/Honolulu"),
    **dict.fromkeys(("central european time", "central europe"), "Europe/Paris"),
    **dict.fromkeys(("eastern european time", "eastern europe"), "Europe/Athens"),
    **dict.fromkeys(("western european time", "western europe"), "Europe/Lisbon"),
    **dict.fromkeys(("uk", "united kingdom", "great britain", "england", "scotland"), "GB"),
    "wales": "GB",
    **dict.fromkeys(("usa", "us", "america", "united states of america"), "US"),
    **dict.fromkeys(("south korea", "korea"), "KR"),
    "north korea": "KP",
    "russia": "RU",
}
_OFFSET = re.compile(
    r"(?:utc|gmt)\s*(?P<sign>[+\-−])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?"
)


@dataclass(frozen=True)
class Zone:
    """A resolved zone: the IANA name to store, and how to show it."""

    name: str
    label: str


def zone_label(name: str) -> str:
    """How a stored zone reads: "Europe/Paris", or "UTC+2" for the fixed zone Etc/GMT-2."""
    match = re.fullmatch(r"Etc/GMT([+-])(\d+)", name)
    if match is None:
        return name
    sign = "−" if match[1] == "+" else "+"  # POSIX signs: Etc/GMT-2 is two hours *ahead*
    return f"UTC{sign}{match[2]}"


def resolve_zone(text: str) -> Zone:
    """The IANA zone `text` names, or a ScheduleError that says what to type instead."""
    typed = text.strip()
    key = _key(typed)
    if key in _ABBREVIATIONS:
        raise ScheduleError(_abbreviation_hint(typed, key))
    offset = _OFFSET.fullmatch(key)
    if offset is not None:
        return _fixed_offset(typed, offset)
    canonical = canonical_zones()
    name = canonical.get(key.replace(" ", "_"))
    common = _COMMON.get(key, "")  # a zone, or a country's code
    if name is None and "/" in common:
        name = common
    elif name is None and common:
        key = common.casefold()
    else:
        name = name or _places().get(key)
    if name is None and key in _countries():
        zones = _countries()[key]
        if len(zones) > 1:
            listed = ", ".join(zones[:6]) + (", …" if len(zones) > 6 else "")
            raise ScheduleError(
                f"`{typed}` has several time zones ({listed}): name the city or the zone."
            )
        name = zones[0]
    if name is None:
        raise ScheduleError(
            f"`{typed}` is not a time zone I know: name a city (Paris, New York), a country, "
            "or an IANA zone such as Europe/Paris"
        )
    return Zone(name, zone_label(name))


def suggest_zones(typed: str, limit: int = 25) -> list[Zone]:
    """Autocomplete: the zone `typed` most likely means first, then names containing it."""
    key = _key(typed)
    first: list[str] = []
    try:
        first.append(resolve_zone(typed).name)
    except ScheduleError:
        first.extend(_ABBREVIATIONS[key][:1] if key in _ABBREVIATIONS else ())
        first.extend(_countries().get(_COMMON.get(key, key).casefold(), ()))  # its zones
    needle = key.replace(" ", "_")
    names = sorted(n for n in canonical_zones().values() if n.casefold() not in _ABBREVIATIONS)
    cities = [n for n in names if n.rsplit("/", 1)[-1].casefold().startswith(needle)]
    inside = [n for n in names if needle in n.casefold()]
    ordered = dict.fromkeys([*first, *cities, *inside]) if key else dict.fromkeys(names)
    return [Zone(n, zone_label(n)) for n in ordered][:limit]


def _abbreviation_hint(typed: str, key: str) -> str:
    zone, place = _ABBREVIATIONS[key]
    fixed = f", {_FIXED[key]} all year with no daylight saving" if key in _FIXED else ""
    return f"`{typed}` is an abbreviation{fixed}: use {zone} for {place}'s local time."


def _key(text: str) -> str:
    """What names are compared by: casefolded, accents and underscores dropped, one space."""
    plain = unicodedata.normalize("NFKD", text.replace("_", " ").casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


def _fixed_offset(typed: str, match: re.Match[str]) -> Zone:
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    ahead = match["sign"] == "+"
    if minutes:
        raise ScheduleError(
            f"`{typed}`: fixed offsets come in whole hours; name a place instead (e.g. "
            "Asia/Kolkata for UTC+5:30)"
        )
    if hours > (14 if ahead else 12):
        raise ScheduleError(f"`{typed}` is not a UTC offset (UTC−12 to UTC+14)")
    if hours == 0:
        return Zone("UTC", "UTC")
    # POSIX signs are inverted: Etc/GMT-2 is two hours ahead of UTC.
    name = f"Etc/GMT{'-' if ahead else '+'}{hours}"
    return Zone(name, zone_label(name))


def _table(name: str) -> list[list[str]]:
    """The rows of one of tzdata's tab-separated tables, comments dropped."""
    try:
        text = importlib.resources.files("tzdata").joinpath("zoneinfo", name).read_text("utf-8")
    except (ModuleNotFoundError, OSError):  # no tzdata package: names only, no countries
        return []
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def _countries() -> dict[str, tuple[str, ...]]:
    """Country names and codes (casefolded) -> their zones, the most populous region first."""
    zones: dict[str, list[str]] = {}
    for row in _table("zone.tab"):
        zones.setdefault(row[0].casefold(), []).append(row[2])
    found: dict[str, tuple[str, ...]] = {code: tuple(z) for code, z in zones.items()}
    for code, name, *_ in _table("iso3166.tab"):
        # "Britain (UK)", "Korea (South)": the name, and what the brackets say, both count.
        for part in [name.casefold(), *re.split(r"\s*[()]\s*", name.casefold())]:
            if part and code.casefold() in found:
                found.setdefault(part, found[code.casefold()])
    return found


@functools.cache
def _places() -> dict[str, str]:
    """City names (the last part of each zone, casefolded, spaces for underscores) -> zone."""
    canonical = {row[2] for row in _table("zone.tab")}
    places: dict[str, str] = {}
    # Zones of the country table first, so a backward link never shadows its canonical zone.
    for name in sorted(canonical_zones().values(), key=lambda n: (n not in canonical, n)):
        place = _key(name.rsplit("/", 1)[-1])
        places.setdefault(place, name)
    return places
