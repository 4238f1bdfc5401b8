"""Answers as embeds: Discord's limits on every page, pages split between items, escaping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from answers.models import (
    ANSWER_TYPES,
    Answer,
    AskAnswer,
    BriefingAnswer,
    Category,
    CitationAnswer,
    Difference,
    Disagreement,
    Event,
    Figure,
    FiguresAnswer,
    Mismatch,
    Precision,
    Quote,
    Source,
    SourcesAnswer,
    StatedDate,
    Story,
    SummaryAnswer,
    Support,
    TimelineAnswer,
)
from bot.embeds import (
    CONTENT_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    PAGE_BUDGET,
    TITLE_MAX,
    body_items,
    clip,
    clip_lines,
    escape,
    markers,
    paragraph,
    render_pages,
    safe_url,
)
from testing.fakediscord.validation import FormErrors, validate_embeds

# Bidi controls and zero-width characters: they can make shown text differ from stored text.
DISGUISES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
DISGUISES += "\u200b\u200c\u200d\u2060\ufeff"
# Mention and markdown syntax a document or a user might contain.
HOSTILE = "@everyone @here <@1> <@!2> <@&3> <#4> <t:1700000000:F> </ask:5> <:e:6> **b** `c` # h"
_TOKENS = re.compile(r"@everyone|@here|<@|<#|<t:|</|<:|<a:")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("\u200b", ""), flags=re.S)


def _source(number: int, title_words: int = 3, url: str | None = None) -> Source:
    return Source(
        number=number,
        id=f"{number:03d}_{'ab' * 8}",
        title=" ".join(["Head_line"] * title_words) + f" {number}",  # escaping lengthens it
        outlet="The Daily *Example*" if number % 2 else None,
        published=dt.date(2025, 5, number % 28 + 1) if number % 3 else None,
        url=url if url is not None else f"https://example.com/story/{number}",
        score=10.0 / number,
        snippet=f"Snippet {number} " + "words " * 60,
        anchor=f"{number:03d}#p1.s1",
    )


def _quote(n: int, length: int, source: int = 1) -> Quote:
    text = (f"Sentence {n} says " + "something verbatim " * (length // 19))[:length]
    return Quote(text, f"{source:03d}", f"{source:03d}#p{n}.s1", 0, length, (source,))


def _answer(
    kind: type[Answer],
    items: int,
    length: int,
    sources: int = 12,
    notice: str | None = "Not found: zzz",
) -> Answer:
    quotes = tuple(_quote(n, length, n % sources + 1) for n in range(items))
    figures = tuple(
        Figure(f"{n} meters", float(n), "m", Category.DISTANCE, q, q.markers)
        for n, q in enumerate(quotes)
    )
    stories = tuple(Story(q, quotes[:3], q.markers) for q in quotes[: items // 3 or 1])
    everything = dict(
        query="the *Tumen* River bridge_ " * 20,
        sources=tuple(_source(n, title_words=40) for n in range(1, sources + 1)),
        sentences=quotes,
        figures=figures,
        quotes=tuple(
            Quote(q.text, q.source_id, q.anchor, 0, 1, q.markers, "ref " * 80, Support.WEAK)
            for q in quotes
        ),
        passages=quotes,
        stories=stories,
        events=tuple(
            Event(StatedDate("on Tuesday", 0, 10, Precision.DAY, True, how="*x*" * 50), q, (1, 2))
            for q in quotes
        ),
        unresolved=tuple(
            Event(StatedDate("last year", 0, 9, Precision.YEAR, True), q, (1,)) for q in quotes
        ),
        disagreements=tuple(
            Disagreement("meters", (f, f), Difference.CONFLICT, ("undated", "2025-05-29"))
            for f in figures
        ),
        mismatches=tuple(Mismatch("2 km", f"{n} meters", q) for n, q in enumerate(quotes)),
        notice=notice,
    )
    own = {f.name for f in dataclasses.fields(kind)}
    return kind(**{k: v for k, v in everything.items() if k in own})  # type: ignore[arg-type]


def _check_limits(embed: discord.Embed) -> None:
    data = embed.to_dict()
    assert len(data.get("title", "")) <= TITLE_MAX
    assert len(data.get("description", "")) <= DESCRIPTION_MAX
    assert len(data.get("fields", [])) <= FIELDS_MAX
    for field in data.get("fields", []):
        assert 0 < len(field["name"]) <= TITLE_MAX and 0 < len(field["value"]) <= FIELD_VALUE_MAX
    assert len(embed) <= EMBED_TOTAL_MAX
    errors = FormErrors()
    validate_embeds([data], errors)  # the fake Discord's independent check
    assert not errors.items, errors.items


@pytest.mark.parametrize("kind", ANSWER_TYPES)
@pytest.mark.parametrize(("items", "length"), [(1, 10), (40, 900), (8, 12_000)])
def test_every_page_of_every_kind_is_within_discord_limits(
    kind: type[Answer], items: int, length: int
) -> None:
    """Long answers of each kind: every page passes every embed limit."""
    answer = _answer(kind, items, length, notice="Not found: " + "zzz " * 500)
    pages = render_pages(answer, tag="briefing #7 · 2026-01-01")
    assert pages
    for page in pages:
        _check_limits(page)
        assert page.footer.text and page.footer.text.startswith("briefing #7 · 2026-01-01")
    if len(pages) > 1:
        assert [p.footer.text.split(" · ")[-2] for p in pages] == [  # type: ignore[union-attr]
            f"page {n}/{len(pages)}" for n in range(1, len(pages) + 1)
        ]


def test_pages_split_only_between_items() -> None:
    """Each page holds whole items, in order; together they are the answer's items."""
    answer = _answer(SummaryAnswer, 30, 700, notice=None)
    pages = render_pages(answer)
    assert len(pages) > 2
    assert all(len(p.description or "") <= PAGE_BUDGET for p in pages)
    joined = [item for p in pages for item in (p.description or "").split("\n\n")]
    assert joined == body_items(answer)


def test_an_item_longer_than_a_page_is_clipped_with_an_ellipsis() -> None:
    """One 12,000-character quote cannot be split: it is cut at a word, inside the quote."""
    page = render_pages(_answer(AskAnswer, 1, 12_000, notice=None))[0]
    assert page.description is not None
    assert page.description.endswith(
        "verbatim something…” [\\[1\\]](<https://example.com/story/1>)"
    )
    assert len(page.description) <= PAGE_BUDGET


def test_sources_are_listed_as_fields_at_most_five_a_page() -> None:
    """Source fields link to the source; a footer counts the ones that did not fit."""
    page = render_pages(_answer(SummaryAnswer, 2, 100, sources=8))[0]
    assert [(f.name or "").split("]")[0] for f in page.fields] == [f"[{n}" for n in range(1, 6)]
    assert "<https://example.com/story/1>" in (page.fields[0].value or "")
    assert page.footer.text is not None and page.footer.text.startswith("3 more source(s)")


def test_sources_read_as_people_expect() -> None:
    """A source shows its title linked, outlet and date only when known, a compact ¶ place and
    no internal id; a quote that has its own quotation marks is not quoted again; /cite shows
    where a quote stands, and no URL outside a link."""
    url = "https://example.com/a"
    known = Source(1, "003_b8d6", "Talks", "NationPress", dt.date(2025, 5, 29), url, 1.0,
                   "“The bridge,” he said, “is long.”", "003_b8d6#p15.s1")  # fmt: skip
    bare = Source(2, "004_dc02", "Note", None, None, None, 1.0, "A plain one.", "004_dc02#p4.s2")
    listed = SourcesAnswer("bridge", sources=(known, bare))
    assert body_items(listed) == [
        f"**1.** [Talks](<{url}>) — NationPress · 29 May 2025"
        "\n“The bridge,” he said, “is long.” ¶15",
        "**2.** **Note**\n“A plain one.” ¶4",
    ]
    reference = f"“Talks”, NationPress, 2025-05-29, {url}; 003_b8d6#p15.s1"
    quote = Quote("“It is long,” he said.", "003_b8d6", "003_b8d6#p15.s1", 0, 1, (1,), reference)
    (page,) = render_pages(CitationAnswer("long", sources=(known, bare), quotes=(quote,)))
    assert page.description == f"“It is long,” he said. [\\[1\\]](<{url}>) · ¶15"
    fields = [(f.name, f.value) for f in page.fields]
    assert fields == [
        ("[1] NationPress", f"[Talks](<{url}>) · 29 May 2025 · ¶15"),
        ("[2]", "**Note** · ¶4"),
    ]
    shown = str(page.to_dict())
    assert "003_b8d6" not in shown and "unknown outlet" not in shown and "undated" not in shown
    assert shown.count(url) == shown.count(f"](<{url}>)")  # only ever behind a link


def test_markers_link_only_to_plain_web_addresses() -> None:
    """A marker links to its source's http(s) URL; anything else is a plain marker."""
    sources = {
        1: _source(1),
        2: _source(2, url="javascript:alert(1)"),
        3: _source(3, url="https://x.example/a b"),
        4: _source(4, url="https://x.example/>@everyone"),
    }
    assert markers([1, 2, 3, 4, 9], sources) == (
        "[\\[1\\]](<https://example.com/story/1>)\\[2\\]\\[3\\]\\[4\\]\\[9\\]"
    )
    assert safe_url("http://a.example/x?y=1") == "http://a.example/x?y=1"
    assert safe_url(None) is None and safe_url("ftp://a.example") is None


def test_not_found_is_one_grey_embed_with_the_notice() -> None:
    """No sources: the escaped notice, no fields, the not-found colour."""
    answer = SourcesAnswer("@everyone", notice="No document mentions “@everyone”.")
    (page,) = render_pages(answer)
    assert page.title == "Sources: @\u200beveryone" and not page.fields
    assert page.description == "No document mentions “@\u200beveryone”."
    assert page.colour == discord.Colour.light_grey()


def test_timeline_lines_say_when_how_and_who_else() -> None:
    """A resolved event shows its date and how; an unresolved one says its date is unknown."""
    q = _quote(1, 40)
    placed = StatedDate(
        "Tuesday",
        0,
        7,
        Precision.DAY,
        True,
        dt.date(2025, 5, 27),
        dt.date(2025, 5, 27),
        "27 May 2025",
        "Tuesday → 27 May 2025, from the article's date",
    )
    lost = StatedDate(
        "last year", 0, 9, Precision.YEAR, True, how="not resolved: the document has no date"
    )
    timeline = _answer(TimelineAnswer, 1, 10)
    assert isinstance(timeline, TimelineAnswer)
    answer = dataclasses.replace(
        timeline, events=(Event(placed, q, (1, 2), (q,)),), unresolved=(Event(lost, q, (1,)),)
    )
    first, second = body_items(answer)
    assert (
        first.startswith("**27 May 2025** · Tuesday → 27 May 2025") and "also reported by" in first
    )
    assert second.startswith("**last year** (date unknown)")


def test_briefing_titles() -> None:
    """The briefing's title names its topic when it has one."""
    topic = _answer(BriefingAnswer, 3, 50)
    assert render_pages(topic)[0].title == clip(escape(f"Briefing: {topic.query}"), TITLE_MAX)
    assert render_pages(BriefingAnswer("", notice="Nothing."))[0].title == "Briefing"


def test_hostile_text_is_escaped_everywhere_it_is_shown() -> None:
    """Query, notice, quotes, titles, outlets: no live mention or markdown survives."""
    source = Source(1, "001", HOSTILE, HOSTILE, None, None, 1.0, HOSTILE, "001#p1.s1")
    quote = Quote(HOSTILE, "001", "001#p1.s1", 0, 1, (1,))
    answer = AskAnswer(HOSTILE, sources=(source,), passages=(quote,), notice=HOSTILE)
    sources_answer = SourcesAnswer(HOSTILE, sources=(source,))
    for page in render_pages(answer) + render_pages(sources_answer):
        texts = [page.title or "", page.description or ""]
        texts += [t for f in page.fields for t in (f.name or "", f.value or "")]
        for text in texts:
            assert not _TOKENS.search(text), text
            assert "**b**" not in text and "`c`" not in text


@given(st.text(max_size=300))
def test_escape_breaks_every_token_and_loses_no_text(text: str) -> None:
    """Whatever the input: no mention token survives, and unescaping gives the text back."""
    escaped = escape(text)
    assert not _TOKENS.search(escaped)
    assert _unescape(escaped) == re.sub(f"[{''.join(DISGUISES)}]", "", text)


@given(st.text(max_size=400), st.integers(min_value=2, max_value=300))
def test_clip_never_exceeds_its_limit(text: str, limit: int) -> None:
    """clip() keeps short text as is and cuts long text to at most `limit`, ending in '…'."""
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    assert clipped == text if len(text) <= limit else clipped.endswith("…")


def test_clip_lines_says_how_many_lines_did_not_fit() -> None:
    """Many subscriptions in /briefing list: one message of at most 2,000 characters."""
    lines = [f"<#{n}> · 07:30 Europe/Paris · next <t:1700000000:R>" for n in range(100)]
    text = clip_lines(lines)
    assert len(text) <= CONTENT_MAX
    kept = text.splitlines()
    assert kept[-1] == f"… and {100 - len(kept) + 1} more"
    assert clip_lines(lines[:3]) == "\n".join(lines[:3]) and clip_lines([]) == ""


# A model of how Discord's markdown finds links: `\` + punctuation is a literal character;
# a masked link, an <autolink> or a bare URL is live only if made of unescaped characters.
_LIVE_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)|<[a-z][a-z0-9+.-]*:[^>\s]*>|https?://\S", re.I)
LINKS = (
    "… [update] tickets are sold at [click here](https://evil.example/phish) now. "
    "See <https://evil.example/a>, https://evil.example/b, [x](<https://evil.example/c>), "
    "[[nested]](http://evil.example/d) and \\[e](https://evil.example/e) [f] (g)"
)


def _live_links(markdown: str) -> list[str]:
    """The links Discord would make clickable in `markdown` (escaped characters are inert)."""
    unescaped = re.sub(r"\\([^0-9A-Za-z\s])", "\x00", markdown)
    return _LIVE_LINK.findall(unescaped)


def test_no_markdown_link_in_quoted_text_is_live() -> None:
    """Masked links, autolinks and bare URLs, several with brackets on one line: none live."""
    assert len(_live_links(LINKS)) >= 5  # the model does see the links in the raw text
    assert _live_links(escape(LINKS)) == []
    assert _unescape(escape(LINKS)) == LINKS


def test_a_document_link_never_reaches_the_embed_live() -> None:
    """A quote, a title and a snippet carrying masked links: every rendered text is inert."""
    source = Source(1, "001", LINKS, LINKS, None, None, 1.0, LINKS, "001#p1.s1")
    quote = Quote(LINKS, "001", "001#p1.s1", 0, 1, (1,))
    answer = AskAnswer(LINKS, sources=(source,), passages=(quote,))
    for page in render_pages(answer) + render_pages(SourcesAnswer("x", sources=(source,))):
        texts = [page.title or "", page.description or ""]
        texts += [t for f in page.fields for t in (f.name or "", f.value or "")]
        for text in texts:
            assert _live_links(text) == [], text


@given(st.text(alphabet=st.sampled_from("[]()<>\\:/ahtps x"), max_size=80))
def test_escaped_text_never_holds_a_live_link(text: str) -> None:
    """Whatever mix of brackets, slashes and schemes: no live link once escaped."""
    assert _live_links(escape(text)) == []


@pytest.mark.parametrize(
    "kind", [SummaryAnswer, AskAnswer, CitationAnswer, FiguresAnswer, BriefingAnswer]
)
def test_a_long_quote_keeps_its_closing_mark_and_marker(kind: type[Answer]) -> None:
    """A 5,000-character quote is clipped inside the quote: '…”' then its [n] marker stay."""
    answer = _answer(kind, 1, 5_000, sources=1, notice=None)
    description = render_pages(answer)[0].description or ""
    assert "…” [\\[1\\]](<https://example.com/story/1>)" in description, description[-200:]
    assert len(description) <= PAGE_BUDGET


def test_several_long_quotes_of_a_story_each_keep_their_close() -> None:
    """A briefing story of three long quotes: each quote closes and keeps its marker."""
    answer = _answer(BriefingAnswer, 3, 2_500, sources=1, notice=None)
    description = render_pages(answer)[0].description or ""
    assert description.count("…” [\\[1\\]]") == 3, description


def test_bidi_and_zero_width_characters_are_dropped_from_what_is_shown() -> None:
    """An RTL override or zero-width character in a title or a quote never reaches the embed;
    the quote itself (and its offsets) is not changed."""
    disguised = "Tumen\u200b bridge \u202eegdirb\u202c costs \u2066$5\u2069\ufeff"
    source = Source(1, "001", disguised, disguised, None, None, 1.0, disguised, "001#p1.s1")
    quote = Quote(disguised, "001", "001#p1.s1", 0, len(disguised), (1,))
    answer = AskAnswer(disguised, sources=(source,), passages=(quote,))
    assert escape(disguised) == "Tumen bridge egdirb costs $5"
    for page in render_pages(answer) + render_pages(SourcesAnswer("x", sources=(source,))):
        texts = [page.title or "", page.description or ""]
        texts += [t for f in page.fields for t in (f.name or "", f.value or "")]
        for text in texts:
            assert not set(text.replace("<\u200b", "").replace("@\u200b", "")) & set(DISGUISES)
    assert quote.text == disguised and quote.end == len(disguised)


def test_what_answers_the_question_is_bold_and_the_rest_escaped() -> None:
    """An emphasized figure is in bold; markdown around it stays escaped."""
    text = "It takes *about* nearly 300 vehicles daily."
    lo = text.index("nearly")
    quote = Quote(text, "d", "d#p0.s0", 0, len(text), (1,), emphasis=((lo, len(text) - 1),))
    (line,) = body_items(AskAnswer("q", passages=(quote,)))
    assert line.startswith("“It takes \\*about\\* **nearly 300 vehicles daily**.”")


def test_an_emphasized_quote_with_its_own_quotation_marks_gets_none_more() -> None:
    """Regression: a bold figure in a quote that opens with “ was shown as ““… in /ask."""
    text = "“The bridge will be 850 meters long,” Matsegora said."
    lo = text.index("850")
    quote = Quote(text, "d", "d#p0.s0", 0, len(text), (1,), emphasis=((lo, lo + 10),))
    (line,) = body_items(AskAnswer("q", passages=(quote,)))
    assert line.startswith("“The bridge will be **850 meters** long,” Matsegora said. ")
    assert "““" not in line and "”” " not in line


def test_emphasis_inside_a_link_leaves_it_inert() -> None:
    """Bold never splits what escaping must see whole: a link stays dead, emphasis or not."""
    text = "Tickets at https://evil.example/300 and [here](https://evil.example/x) now."
    lo = text.index("300")
    quote = Quote(text, "d", "d#p0.s0", 0, len(text), (1,), emphasis=((lo, lo + 3),))
    (line,) = body_items(AskAnswer("q", passages=(quote,)))
    assert _live_links(line) == []


def test_a_place_is_a_compact_paragraph_with_its_page() -> None:
    """'doc#p15.s1' reads ¶15; a PDF's 'doc#p5.s1 (p. 2)' reads p. 2 ¶5; no anchor, nothing."""
    assert paragraph("003_b8d6#p15.s1") == "¶15"
    assert paragraph("report#p5.s1 (p. 2)") == "p. 2 ¶5"
    assert paragraph("") == ""
