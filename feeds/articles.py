"""Feed articles as corpus files: `feeds/<host>/<date>-<slug>-<hash>.md` with YAML front matter.

The file is the article's only record of its text: the folder stays the single source of truth
and the index reads it like any other Markdown file. Files are written to a hidden temporary
name (which the reader never reads: it ends in `.tmp`) and renamed into place, so the index
never sees half an article, whatever moment a reload picks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

FEEDS_FOLDER = "feeds"
_UNSAFE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Article:
    """What is written: the feed item's title, date and link win over the page's own."""

    url: str
    title: str | None
    outlet: str | None
    published: dt.date | None
    author: str | None
    text: str


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII words joined by hyphens, at most `limit` characters ('' if none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("-", ascii_text.lower()).strip("-")[:limit].rstrip("-")


def host_folder(url: str) -> str:
    """The article's host as a safe folder name, without `www.`."""
    host = (urlsplit(url).hostname or "unknown").lower().removeprefix("www.")
    return re.sub(r"[^a-z0-9.-]+", "-", host).strip(".-") or "unknown"


def content_digest(text: str) -> str:
    """A hash of the text that ignores case and spacing: the same story re-served is a duplicate."""
    normal = " ".join(text.casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def relative_path(article: Article) -> Path:
    """Where the article goes under the corpus folder (unique per URL)."""
    day = article.published.isoformat() if article.published else "undated"
    name = slug(article.title or "") or "article"
    tag = hashlib.sha256(article.url.encode("utf-8")).hexdigest()[:10]
    return Path(FEEDS_FOLDER, host_folder(article.url), f"{day}-{name}-{tag}.md")


def render(article: Article) -> str:
    """The Markdown file: front matter with the keys the reader understands, then the text."""
    meta: dict[str, object] = {
        key: value
        for key, value in (
            ("title", article.title),
            ("outlet", article.outlet),
            ("published", article.published),
            ("url", article.url),
            ("author", article.author),
        )
        if value is not None
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n\n{article.text.strip()}\n"


def write_article(corpus_dir: Path, article: Article) -> Path:
    """Write the article atomically (temporary file, fsync, rename); its path under the corpus."""
    relative = relative_path(article)
    target = corpus_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(render(article))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return relative
