"""Time zones as people name them resolve to IANA zones; abbreviations are refused with a hint."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import ScheduleError
from bot.zones import resolve_zone, suggest_zones, zone_label


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Paris", "Europe/Paris"),
        ("new york", "America/New_York"),
        ("São Paulo", "America/Sao_Paulo"),
        ("India", "Asia/Kolkata"),
        ("UK", "Europe/London"),
        ("Korea (South)", "Asia/Seoul"),
        ("Pacific Time", "America/Los_Angeles"),
        ("eastern", "America/New_York"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("UTC", "UTC"),
        ("UTC+0", "UTC"),
    ],
)
def test_places_countries_and_common_names_resolve(typed: str, zone: str) -> None:
    """Cities, single-zone countries and common names map to the IANA zone of that place."""
    assert resolve_zone(typed).name == zone


@pytest.mark.parametrize(
    ("typed", "zone", "label", "offset_hours"),
    [
        ("UTC+2", "Etc/GMT-2", "UTC+2", 2),
        ("utc -5", "Etc/GMT+5", "UTC−5", -5),
        ("GMT+14", "Etc/GMT-14", "UTC+14", 14),
        ("UTC−12:00", "Etc/GMT+12", "UTC−12", -12),
    ],
)
def test_fixed_offsets_get_the_posix_sign_right(
    typed: str, zone: str, label: str, offset_hours: int
) -> None:
    """UTC+2 is Etc/GMT-2 (POSIX inverts the sign), two hours ahead of UTC, shown as UTC+2."""
    resolved = resolve_zone(typed)
    assert (resolved.name, resolved.label) == (zone, label)
    offset = datetime(2026, 7, 1, tzinfo=UTC).astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None and offset.total_seconds() == offset_hours * 3600


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "EST",
            "`EST` is an abbreviation, UTC−5 all year with no daylight saving: "
            "use America/New_York for New York's local time.",
        ),
        ("pst", "`pst` is an abbreviation: use America/Los_Angeles for Los Angeles's local time."),
        ("CET", "`CET` is an abbreviation: use Europe/Paris for Paris's local time."),
        ("UTC+5:30", "`UTC+5:30`: fixed offsets come in whole hours"),
        ("UTC+15", "`UTC+15` is not a UTC offset"),
        ("United States", "`United States` has several time zones (America/New_York,"),
        ("localtime", "`localtime` is not a time zone I know"),
        ("Factory", "`Factory` is not a time zone I know"),
        ("Atlantis", "`Atlantis` is not a time zone I know: name a city"),
    ],
)
def test_abbreviations_and_unknowns_are_refused_with_a_hint(typed: str, message: str) -> None:
    """EST and friends are refused with the place's zone; ambiguous or unknown names say why."""
    with pytest.raises(ScheduleError) as caught:
        resolve_zone(typed)
    assert str(caught.value).startswith(message)


def test_autocomplete_leads_with_the_likely_zone() -> None:
    """'india' leads with Asia/Kolkata before the Indiana zones; 'est' offers New York, not EST."""
    india = [z.name for z in suggest_zones("india")]
    assert india[0] == "Asia/Kolkata" and "America/Indiana/Indianapolis" in india
    est = [z.name for z in suggest_zones("est")]
    assert est[0] == "America/New_York" and "EST" not in est and "EST5EDT" not in est
    assert [z.name for z in suggest_zones("paris")] == ["Europe/Paris"]
    assert suggest_zones("UTC+2")[0].label == "UTC+2"
    assert len(suggest_zones("")) == 25


def test_labels_of_stored_zones() -> None:
    """Fixed zones read as UTC offsets; every other zone as its IANA name."""
    assert zone_label("Etc/GMT-2") == "UTC+2" and zone_label("Etc/GMT+5") == "UTC−5"
    assert zone_label("Europe/Paris") == "Europe/Paris"
