"""A scheduled briefing as a sequence of messages: all of it, each within Discord's limits.

The first message carries the heading and the top stories; the rest of the stories, every key
figure and every source follow in as many messages as they need. Each message's first embed
links to the channel with the part's key as the link's fragment: machine-readable, so a
restart can find the parts already posted, and out of the reader's way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import discord

from answers.models import BriefingAnswer
from bot.embeds import (
    COLOURS,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    TITLE_MAX,
    _figure_line,
    _source_line,
    _story_line,
    briefing_summary,
    briefing_title,
    clip,
)

EMBEDS_MAX = 10  # per message
# A description's share, and a message's, leaving room for its title and footer.
EMBED_BUDGET = DESCRIPTION_MAX - 96
MESSAGE_BUDGET = EMBED_TOTAL_MAX - TITLE_MAX - 200
_FRAGMENT = re.compile(r"#(?P<key>b\d+-\d{8})-(?P<part>\d+)$")


@dataclass(frozen=True)
class Post:
    """One message of a briefing: its place in the sequence, its key and its embeds."""

    part: int
    key: str
    embeds: tuple[discord.Embed, ...]


def part_key(delivery_key: str, part: int) -> str:
    """The key of one part of a delivery, e.g. "b12-20260329-2"."""
    return f"{delivery_key}-{part}"


def find_part(embed_url: str | None, delivery_key: str) -> int | None:
    """The part number an embed link names for this delivery, or None."""
    match = _FRAGMENT.search(embed_url or "")
    if match is None or match["key"] != delivery_key:
        return None
    return int(match["part"])


def _sections(answer: BriefingAnswer, summary: str) -> list[list[str]]:
    """Stories (after the summary line), key figures and sources: each a list of items."""
    sources = {s.number: s for s in answer.sources}
    stories = [f"**{n}.** {_story_line(s, sources)}" for n, s in enumerate(answer.stories, 1)]
    figures = [_figure_line(f, sources) for f in answer.figures]
    return [
        [summary, *stories],
        ["**Key figures**", *figures] if figures else [],
        ["**Sources**", *(_source_line(s) for s in answer.sources)],
    ]


def _descriptions(section: list[str]) -> list[str]:
    """A section's items joined into descriptions of at most EMBED_BUDGET characters."""
    chunks: list[list[str]] = []
    used = 0
    for item in (clip(i, EMBED_BUDGET) for i in section):
        if not chunks or used + len(item) + 2 > EMBED_BUDGET:
            chunks.append([])
            used = 0
        chunks[-1].append(item)
        used += len(item) + 2
    return ["\n\n".join(c) for c in chunks]


def _messages(descriptions: list[str]) -> list[list[str]]:
    """Descriptions grouped into messages: at most 10 embeds and MESSAGE_BUDGET characters."""
    messages: list[list[str]] = []
    used = 0
    for text in descriptions:
        full = messages and (len(messages[-1]) == EMBEDS_MAX or used + len(text) > MESSAGE_BUDGET)
        if not messages or full:
            messages.append([])
            used = 0
        messages[-1].append(text)
        used += len(text)
    return messages


def briefing_posts(
    answer: BriefingAnswer, day: date, delivery_key: str, channel_link: str
) -> list[Post]:
    """The whole briefing for `day` as messages, in the order they are to be posted."""
    title = briefing_title(answer, day)
    descriptions = [
        d for s in _sections(answer, briefing_summary(answer)) for d in _descriptions(s)
    ]
    grouped = _messages(descriptions)
    colour = COLOURS[answer.found]
    until = answer.window[1] if answer.window else None
    posts = []
    for number, texts in enumerate(grouped, start=1):
        key = part_key(delivery_key, number)
        embeds = [discord.Embed(description=t, colour=colour) for t in texts]
        heading = title if number == 1 else f"{title} (continued)"
        embeds[0].title = clip(heading, TITLE_MAX)
        embeds[0].url = f"{channel_link}#{key}"
        last = embeds[-1]
        last.set_footer(text=f"part {number} of {len(grouped)} · quotes are verbatim")
        last.timestamp = until
        posts.append(Post(number, key, tuple(embeds)))
    return posts
