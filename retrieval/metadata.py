"""Reading a news document's metadata: YAML front matter first, else the conventions of the text."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from urllib.parse import urlparse

log = logging.getLogger(__name__)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = [
    re.compile(r"(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>\d{4})"),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"),
]

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
DATE_PREFIX = re.compile(r"\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})(?:\s+|\Z)", re.IGNORECASE)
PUBLISHED_LINE = re.compile(
    r"(?:published|updated|posted|date)(?:\s+on)?\s*:\s*(?P<value>.+)", re.IGNORECASE
)
SOURCE_LINE = re.compile(r"(?:original\s+)?source\s*:\s*(?P<value>\S.*)", re.IGNORECASE)
BYLINE = re.compile(r"(?i:by)\s+(?P<name>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s*$")
DATELINE = re.compile(
    r"(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}),\s+"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)\s+"
    r"\((?P<outlet>[^()\n]{2,40})\)\s*[-–—:]?\s*"
)
BOILERPLATE = [
    re.compile(r"comments?\s*\(\d+\)", re.IGNORECASE),
    re.compile(r"(?:share|tweet|print|email)(?:\s+this(?:\s+article)?)?\.?", re.IGNORECASE),
    re.compile(r"(?:read more|related articles?|advertisement|all rights reserved).*", re.I),
    re.compile(r"(?:©|copyright\b).*", re.IGNORECASE),
    re.compile(
        r"(?P<author>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s+is\s+an?\s+[^.]{0,120}?\b"
        r"(?:journalist|writer|reporter|editor|correspondent|contributor|columnist|author)\b.*",
        re.DOTALL,
    ),
]


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a document says about itself."""

    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    author: str | None = None


def parse_date(text: str) -> dt.date | None:
    """The first full date (with a year) written in text, or None."""
    for form in _DATE_FORMS:
        m = form.search(text)
        if not m:
            continue
        month = int(m["mnum"]) if "mnum" in m.groupdict() else _MONTHS.get(m["month"].lower())
        if month is None:
            continue
        try:
            return dt.date(int(m["year"]), month, int(m["day"]))
        except ValueError:
            continue
    return None


def read_front_matter(text: str, name: str) -> tuple[Metadata, int]:
    """Metadata from YAML front matter and the offset where the body starts (0 if none)."""
    m = FRONT_MATTER.match(text)
    if not m:
        return Metadata(), 0
    import yaml  # only documents with front matter need it: a restart skips the import

    try:
        data = yaml.safe_load(m["yaml"])
    except (yaml.YAMLError, ValueError) as err:
        # ValueError: a well-formed but impossible timestamp ("published: 2025-13-45").
        log.warning("%s: front matter is not valid YAML, read as text (%s)", name, err)
        return Metadata(), 0
    if not isinstance(data, dict):
        return Metadata(), m.end()

    def _text(key: str) -> str | None:
        value = data.get(key)
        return str(value).strip() or None if value is not None else None

    published = data.get("published") or data.get("date")
    if isinstance(published, dt.datetime):
        published = published.date()
    elif not isinstance(published, dt.date):
        published = parse_date(str(published)) if published else None
    return (
        Metadata(
            title=_text("title"),
            outlet=_text("outlet") or _text("source"),
            published=published,
            url=_text("url") or _text("link"),
            author=_text("author"),
        ),
        m.end(),
    )


def source_of(value: str) -> Metadata:
    """Outlet and url from a `Source:` line's value (a name, a domain or a link)."""
    value = value.strip().rstrip(".")
    if re.match(r"https?://", value, re.IGNORECASE):
        host = urlparse(value).hostname or ""
        return Metadata(outlet=_bare_host(host) or None, url=value)
    if re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?", value):
        host = value.split("/", 1)[0]
        return Metadata(outlet=_bare_host(host), url=f"https://{value}")
    return Metadata(outlet=value)


def _bare_host(host: str) -> str:
    return host[4:] if host.lower().startswith("www.") else host


def is_boilerplate(line: str) -> Metadata | None:
    """Metadata (maybe empty) if the line is trailing boilerplate, else None."""
    for pattern in BOILERPLATE:
        m = pattern.fullmatch(line)
        if m:
            author = m.groupdict().get("author")
            return Metadata(author=author)
    return None


def merge(base: Metadata, found: Metadata) -> Metadata:
    """Fill the fields of base that are empty with those of found (front matter wins)."""
    updates = {
        field: getattr(found, field)
        for field in ("title", "outlet", "published", "url", "author")
        if getattr(base, field) is None and getattr(found, field) is not None
    }
    return replace(base, **updates) if updates else base


def reads_as_headline(line: str) -> bool:
    """A first line reads as a headline when it is short and not a finished sentence."""
    words = line.split()
    return 2 <= len(words) <= 30 and len(line) <= 200 and not line.rstrip("”\"' ").endswith(".")
