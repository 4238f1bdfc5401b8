"""Answers as Discord embeds: escaped quotes, linked markers, pages within Discord's limits."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import date
from typing import assert_never

import discord

from answers.models import (
    Answer,
    AskAnswer,
    BriefingAnswer,
    CitationAnswer,
    Difference,
    Disagreement,
    Figure,
    FiguresAnswer,
    Kind,
    Mismatch,
    Quote,
    Source,
    SourcesAnswer,
    Story,
    SummaryAnswer,
    Support,
    TimelineAnswer,
)
from answers.models import Event as TimelineEvent
from answers.quotes import has_quote_marks

NO_MENTIONS = discord.AllowedMentions.none()

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CONTENT_MAX = 2000
# Leave room for the source fields and footer on every page.
PAGE_BUDGET = 3000
SOURCES_PER_PAGE = 5

_PARAGRAPH = re.compile(r"#p(\d+)")
_PAGE = re.compile(r"\(p\. (\d+)\)$")
COLOURS = {True: discord.Colour.blurple(), False: discord.Colour.light_grey()}
TITLES = {
    Kind.SUMMARY: "Summary: {q}",
    Kind.FIGURES: "Figures: {q}",
    Kind.SOURCES: "Sources: {q}",
    Kind.CITE: "Citation for: {q}",
    Kind.ASK: "{q}",
    Kind.BRIEFING: "Briefing{q}",
    Kind.TIMELINE: "Timeline: {q}",
}


# Characters that format anywhere on a line. The backslash first: a document's own `\` must not
# cancel the escape we put after it. Brackets always: discord.py's link pattern is greedy and
# escapes only the first `[` of a line holding several links.
_INLINE = re.compile(r"[\\*_~|`\[\]]")
_LINE_START = re.compile(r"^(\s*)([>#-])", re.MULTILINE)
# `scheme:` before `//`: the escaped colon keeps Discord from linking a bare URL (its URL rule
# needs `https://` unbroken in the source) and shows the address as plain text.
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]*):(?=//)", re.IGNORECASE)
# Bidi controls (embeddings, overrides, isolates, marks) and zero-width characters: they make
# shown text differ from its characters (an RTL override reverses what follows). Dropped from
# what Discord shows only; quotes and their offsets stay verbatim in the answer.
_DISGUISES = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]")


def escape(text: str) -> str:
    """Quoted text can neither format (markdown), link, nor mention (users, roles, @everyone).

    Every markdown character is backslash-escaped, so no masked link `[text](url)` survives;
    `scheme\\://` makes a bare URL plain text. A zero-width space after every `<` breaks each
    angle-bracket token (mentions, timestamps, command links, custom emoji, `<url>` autolinks)
    and one after every `@` breaks `@everyone`/`@here`; AllowedMentions.none() on every send is
    the second lock on the door. Bidi controls and zero-width characters are dropped.
    """
    text = _DISGUISES.sub("", text)
    text = _INLINE.sub(r"\\\g<0>", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    text = _SCHEME.sub(r"\1\\:", text)
    return text.replace("<", "<\u200b").replace("@", "@\u200b")


def safe_url(url: str | None) -> str | None:
    """A link fit to put in `<...>` markdown: http(s), no spaces or angle brackets."""
    if not url or not url.startswith(("https://", "http://")) or len(url) > 512:
        return None
    if any(c.isspace() or c in "<>()" for c in url):
        return None
    return url


def clip(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis, never past `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"


def markers(numbers: Iterable[int], sources: dict[int, Source]) -> str:
    """Citation markers, each a link to its source when it has one."""
    parts = []
    for n in numbers:
        url = safe_url(sources[n].url) if n in sources else None
        parts.append(f"[\\[{n}\\]](<{url}>)" if url else f"\\[{n}\\]")
    return "".join(parts)


def _clip_escaped(text: str, limit: int) -> str:
    """Escape, then clip; a cut that leaves a lone escaping backslash drops it too."""
    clipped = clip(escape(text), max(limit, 2))
    if clipped.endswith("…"):
        body = clipped[:-1]
        if (len(body) - len(body.rstrip("\\"))) % 2:
            clipped = body[:-1] + "…"
    return clipped


def _quoted(
    prefix: str, text: str, numbers: Iterable[int], sources: dict[int, Source], limit: int
) -> str:
    """`prefix“text” [n]` in at most `limit` characters: only the text is ever clipped.

    A quote with quotation marks of its own gets none more (no ““), unless it is clipped:
    then a closing mark shows where the shown part ends.
    """
    own = has_quote_marks(text)
    opening, tail = ("" if own else "“"), f" {markers(numbers, sources)}".rstrip()
    body = _clip_escaped(text, limit - len(prefix) - len(opening) - len(tail) - 1)
    closing = "" if own and not body.endswith("…") else "”"
    return f"{prefix}{opening}{body}{closing}{tail}"


def paragraph(anchor: str) -> str:
    """A compact place in a document: "003_b8…#p15.s1" -> "¶15", with its page when it has one
    ("report#p5.s1 (p. 2)" -> "p. 2 ¶5"); empty if there is none."""
    match, page = _PARAGRAPH.search(anchor), _PAGE.search(anchor)
    where = f"¶{match[1]}" if match else ""
    return f"p. {page[1]} {where}".strip() if page else where


def _quote_line(q: Quote, sources: dict[int, Source], limit: int = PAGE_BUDGET) -> str:
    bold = _emphasized(q)
    opening, closing = ("", "") if has_quote_marks(q.text) else ("“", "”")
    tail = f"{closing} {markers(q.markers, sources)}"
    if bold is not None and len(opening) + len(bold) + len(tail) <= limit:
        return f"{opening}{bold}{tail}"
    return _quoted("", q.text, q.markers, sources, limit)


def _emphasized(q: Quote) -> str | None:
    """The quote escaped, what answers the question (a figure, a name) in bold; None when it
    has no emphasis or when escaping it piece by piece would differ from escaping it whole."""
    cuts = sorted({0, len(q.text), *(i for span in q.emphasis for i in span)})
    if not q.emphasis or cuts[-1] != len(q.text):
        return None
    pieces = [(lo, q.text[lo:hi]) for lo, hi in itertools.pairwise(cuts)]
    escaped = [escape(text) for _, text in pieces]
    if "".join(escaped) != escape(q.text):
        return None
    starts = {lo for lo, _ in q.emphasis}
    return "".join(
        f"**{e}**" if lo in starts and e.strip() else e
        for (lo, _), e in zip(pieces, escaped, strict=True)
    )


def _figure_line(f: Figure, sources: dict[int, Source]) -> str:
    prefix = f"**{_clip_escaped(f.value, 200)}** — "
    return _quoted(prefix, f.sentence.text, f.markers, sources, PAGE_BUDGET)


def _cite_line(q: Quote, sources: dict[int, Source], notes: str = "") -> str:
    # The source's title, outlet, date and link are in its field: here only where it stands.
    label = "⚠️ weak support: " if q.support is Support.WEAK else ""
    where = (f" · {paragraph(q.anchor)}" if paragraph(q.anchor) else "") + notes
    return _quoted(label, q.text, q.markers, sources, PAGE_BUDGET - len(where)) + where


def _story_line(s: Story, sources: dict[int, Source]) -> str:
    head = _clip_escaped(s.headline.text, PAGE_BUDGET // 4)
    lines = [f"**{head}** {markers(s.markers, sources)}"]
    if s.continues:
        new = [f"new sources {markers(s.new_sources, sources)}"] if s.new_sources else []
        new += [f"new: **{escape(f.value)}** {markers(f.markers, sources)}" for f in s.new_figures]
        lines.append(
            "↻ *continues a story from the last briefing*" + "".join(f" · {n}" for n in new)
        )
    share = (PAGE_BUDGET - sum(len(line) for line in lines)) // max(len(s.quotes), 1) - 1
    lines += [_quoted("• ", q.text, q.markers, sources, share) for q in s.quotes]
    return "\n".join(lines)


def _event_line(e: TimelineEvent, sources: dict[int, Source]) -> str:
    d = e.date
    when = f"**{escape(d.label)}**" if d.resolved else f"**{escape(d.phrase)}** (date unknown)"
    how = f" · {escape(d.how)}" if d.relative else ""
    also = f" (also reported by {markers(e.markers[1:], sources)})" if len(e.markers) > 1 else ""
    prefix = clip(f"{when}{how}", PAGE_BUDGET // 4) + "\n"  # its parts are escaped already
    return _quoted(prefix, e.quote.text, e.markers[:1], sources, PAGE_BUDGET - len(also)) + also


def _disagreement_line(d: Disagreement, sources: dict[int, Source]) -> str:
    head = "Sources disagree" if d.difference is Difference.CONFLICT else "Changed over time"
    sides = [
        _quoted(
            f"• **{_clip_escaped(f.value, 200)}** ({_clip_escaped(date, 200)}) ",
            f.sentence.text,
            f.markers[:1],
            sources,
            PAGE_BUDGET // 2 - 100,
        )
        for f, date in zip(d.sides, d.dates, strict=True)
    ]
    return "\n".join([f"⚠️ **{head} on {escape(d.measure)}**", *sides])


def _mismatch_note(x: Mismatch) -> str:
    return (
        f"\n⚠️ The claim says **{_clip_escaped(x.claimed, 100)}**; this quote states "
        f"**{_clip_escaped(x.stated, 100)}**: it contradicts the claim."
    )


def _linked_title(s: Source) -> str:
    url, title = safe_url(s.url), escape(s.title)
    return f"[{title}](<{url}>)" if url else f"**{title}**"


def _known(s: Source) -> list[str]:
    """Outlet and date, each only when the document says."""
    facts = [escape(s.outlet)] if s.outlet else []
    return facts + ([_day(s.published)] if s.published else [])


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _source_line(s: Source) -> str:
    facts = " · ".join(_known(s))
    return f"**{s.number}.** {_linked_title(s)}{f' — {facts}' if facts else ''}"


def _source_item(s: Source) -> str:
    line, where = _source_line(s), paragraph(s.anchor)
    snippet = _quoted("", s.snippet, (), {}, PAGE_BUDGET - len(line) - len(where) - 2)
    return f"{line}\n{snippet} {where}".rstrip()


def body_items(answer: Answer) -> list[str]:
    """The lines of an answer's body, in order; pages break only between them."""
    sources = {s.number: s for s in answer.sources}
    match answer:
        case SummaryAnswer():
            items = [_quote_line(q, sources) for q in answer.sentences]
            return items + [_disagreement_line(d, sources) for d in answer.disagreements]
        case FiguresAnswer():
            items = [_disagreement_line(d, sources) for d in answer.disagreements]
            return items + [_figure_line(f, sources) for f in answer.figures]
        case CitationAnswer():
            notes = {id(q): "".join(_mismatch_note(x) for x in answer.mismatches if x.quote == q)
                     for q in answer.quotes}  # fmt: skip
            return [_cite_line(q, sources, notes[id(q)]) for q in answer.quotes]
        case AskAnswer():
            return [_quote_line(q, sources) for q in answer.passages]
        case BriefingAnswer():
            items = [_story_line(s, sources) for s in answer.stories]
            return items + [_figure_line(f, sources) for f in answer.figures[:5]]
        case SourcesAnswer():
            return [_source_item(s) for s in answer.sources]
        case TimelineAnswer():
            return [_event_line(e, sources) for e in (*answer.events, *answer.unresolved)]
        case _:
            assert_never(answer)


def _paginate(items: list[str], budget: int) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    used = 0
    for item in items:
        item = clip(item, budget)
        if pages[-1] and used + len(item) + 2 > budget:
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += len(item) + 2
    return pages


def _source_field(s: Source) -> tuple[str, str]:
    """Name "[1] Outlet", value the linked title, date and place: no internal id, no raw URL."""
    name = clip(f"[{s.number}]" + (f" {escape(s.outlet)}" if s.outlet else ""), TITLE_MAX)
    place = [_day(s.published)] if s.published else []
    place += [paragraph(s.anchor)] if paragraph(s.anchor) else []
    value = _linked_title(s) + (f" · {' · '.join(place)}" if place else "")
    return name, clip(value, FIELD_VALUE_MAX)


def _title(answer: Answer) -> str:
    if isinstance(answer, BriefingAnswer):
        return briefing_title(answer)
    return clip(escape(TITLES[answer.kind].format(q=answer.query)), TITLE_MAX)


def briefing_title(answer: BriefingAnswer, day: date | None = None) -> str:
    """ "Briefing: topic · Wednesday 2 December 2026": `day`, else the UTC day the window ends."""
    if day is None and answer.window is not None:
        day = answer.window[1].date()
    topic = f": {answer.query}" if answer.query else ""
    when = f" · {day:%A} {day.day} {day:%B %Y}" if day else ""
    return clip(escape(TITLES[Kind.BRIEFING].format(q=topic)) + when, TITLE_MAX)


def briefing_summary(answer: BriefingAnswer) -> str:
    """What a briefing covers: "**5 new documents** since <t:…:f>", in the reader's time zone."""
    if answer.window is None:
        return escape(answer.notice or "")
    since = f"<t:{int(answer.window[0].timestamp())}:f>"
    if not answer.new:
        return f"*Nothing new since {since}. The most recent stories:*"
    count = answer.documents
    noun = "document" if count == 1 else "documents"
    notice = f"\n*{escape(answer.notice)}*" if answer.notice else ""
    return f"**{count} new {noun}** since {since}{notice}"


def render_pages(answer: Answer, tag: str = "") -> list[discord.Embed]:
    """One embed per page; every page within Discord's limits, sources listed on each page.

    `tag` starts every footer (scheduled briefings carry their delivery key there).
    """
    title, colour = _title(answer), COLOURS[answer.found]
    if not answer.found:
        text = escape(answer.notice or "Nothing found.")
        embed = discord.Embed(title=title, description=clip(text, DESCRIPTION_MAX), colour=colour)
        if tag:
            embed.set_footer(text=clip(tag, FOOTER_MAX))
        return [embed]
    notice = [f"*{escape(answer.notice)}*"] if answer.notice else []
    if isinstance(answer, BriefingAnswer):
        notice = [summary] if (summary := briefing_summary(answer)) else []
    pages = _paginate(notice + body_items(answer), PAGE_BUDGET)
    listed = () if isinstance(answer, SourcesAnswer) else answer.sources
    embeds = []
    for number, page in enumerate(pages, start=1):
        embed = discord.Embed(title=title, description="\n\n".join(page) or None, colour=colour)
        if isinstance(answer, BriefingAnswer) and answer.window is not None:
            embed.timestamp = answer.window[1]
        for source in listed[: min(SOURCES_PER_PAGE, FIELDS_MAX)]:
            name, value = _source_field(source)
            embed.add_field(name=name, value=value, inline=False)
        parts = [tag] if tag else []
        if len(listed) > SOURCES_PER_PAGE:
            parts.append(f"{len(listed) - SOURCES_PER_PAGE} more source(s)")
        if len(pages) > 1:
            parts.append(f"page {number}/{len(pages)}")
        parts.append("quotes are verbatim from the documents")
        embed.set_footer(text=clip(" · ".join(parts), FOOTER_MAX))
        embeds.append(_fit(embed))
    return embeds


def clip_lines(lines: list[str], limit: int = CONTENT_MAX) -> str:
    """Join lines into one message of at most `limit` characters, saying how many were left."""
    kept: list[str] = []
    for number, line in enumerate(lines):
        rest = len(lines) - number
        reserve = len(f"\n… and {rest} more") if rest > 1 else 0
        if len("\n".join([*kept, line])) + reserve > limit:
            kept.append(f"… and {rest} more")
            break
        kept.append(line)
    return clip("\n".join(kept), limit)


def _fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed is within the 6,000-character total."""
    while len(embed) > EMBED_TOTAL_MAX and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL_MAX and embed.description:
        embed.description = clip(
            embed.description, len(embed.description) - (len(embed) - EMBED_TOTAL_MAX)
        )
    return embed
