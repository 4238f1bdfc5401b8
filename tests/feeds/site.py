"""A real HTTP server on 127.0.0.1 for the feed tests: feeds, article pages and every fault.

Routes are set per test (`site.serve(path, body, ...)`); fixed fault routes: `/slow` (answers
after 30 s), `/huge` (50 MB streamed without a length), `/huge-declared` (a 50 MB
Content-Length), `/loop` (a redirect loop), `/to/<path>` (a redirect). Every request is logged
with its conditional headers, so tests can check what the client sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from aiohttp import web

FIFTY_MB = 50 * 1024 * 1024


@dataclass
class Route:
    """What one path answers: a status, a body and headers; ETag requests may get a 304."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """A request the server received."""

    path: str
    if_none_match: str | None
    if_modified_since: str | None


class Site:
    """The test server; `url(path)` is its address for a path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes | str, **options: object) -> Route:
        data = body.encode() if isinstance(body, str) else body
        route = Route(data, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/huge", self._huge)
        app.router.add_get("/huge-declared", self._huge_declared)
        app.router.add_get("/loop", self._loop)
        app.router.add_get("/loop-back", self._loop)
        app.router.add_get("/to/{target:.*}", self._redirect)
        app.router.add_get("/{path:.*}", self._route)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def _log(self, request: web.Request) -> None:
        self.requests.append(
            Request(
                request.path,
                request.headers.get("If-None-Match"),
                request.headers.get("If-Modified-Since"),
            )
        )

    async def _route(self, request: web.Request) -> web.StreamResponse:
        self._log(request)
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        matched = route.etag and request.headers.get("If-None-Match") == route.etag
        dated = route.last_modified and request.headers.get("If-Modified-Since") == (
            route.last_modified
        )
        if route.status == 200 and (matched or dated):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = route.content_type
        return web.Response(status=route.status, body=route.body, headers=headers)

    async def _slow(self, request: web.Request) -> web.StreamResponse:
        self._log(request)
        with contextlib.suppress(TimeoutError):  # stop() ends the wait: no slow teardown
            await asyncio.wait_for(self._closing.wait(), 30)
        return web.Response(text="too late")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        """50 MB in 1 MB chunks, without a Content-Length: only counting can stop it."""
        self._log(request)
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"
        try:
            for _ in range(FIFTY_MB // len(chunk)):
                await response.write(chunk)
        except (ConnectionResetError, RuntimeError):
            pass  # the client hung up at its cap, as it should
        return response

    async def _huge_declared(self, request: web.Request) -> web.StreamResponse:
        self._log(request)
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = FIFTY_MB
        await response.prepare(request)
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await response.write(b"x" * 1024)
        return response

    async def _loop(self, request: web.Request) -> web.StreamResponse:
        self._log(request)
        other = "/loop-back" if request.path == "/loop" else "/loop"
        raise web.HTTPFound(other)

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        self._log(request)
        target = request.match_info["target"]
        absolute = re.match(r"[a-z]+:", target)  # another scheme or host, else a local path
        raise web.HTTPFound(target if absolute else "/" + target)


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment, usegmt=True)


# -- documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """An article: what the feed says about it and the page's paragraphs."""

    slug: str
    title: str
    paragraphs: Sequence[str]
    published: dt.datetime = dt.datetime(2026, 3, 14, 8, 30, tzinfo=dt.UTC)
    guid: str | None = None


def page_html(story: Story, outlet: str = "Harbour Gazette") -> bytes:
    """A news page with navigation, a cookie banner and related links around the article."""
    body = "\n".join(f"<p>{p}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{story.title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="og:title" content="{story.title}">
</head><body>
<div class="cookie-consent"><p>We use cookies to improve your experience on our site.</p>
<button>Accept all cookies</button></div>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{story.title}</h1>
{body}
</article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/x">Ten gadgets to buy this
winter</a></li></ul></aside></main>
<footer>Copyright 2026 {outlet}</footer></body></html>""".encode()


def rss2(site: Site, stories: Iterable[Story], title: str = "Harbour Gazette") -> str:
    items = "".join(
        f"""<item><title>{s.title}</title><link>{site.url("/articles/" + s.slug)}</link>
<guid isPermaLink="false">{s.guid or "urn:story:" + s.slug}</guid>
<pubDate>{http_date(s.published)}</pubDate></item>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>{site.url("/")}</link>
<description>News</description>{items}</channel></rss>"""


def rss1(site: Site, stories: Iterable[Story], title: str = "Harbour Gazette RDF") -> str:
    stories = list(stories)
    seq = "".join(f'<rdf:li resource="{site.url("/articles/" + s.slug)}"/>' for s in stories)
    items = "".join(
        f"""<item rdf:about="{site.url("/articles/" + s.slug)}"><title>{s.title}</title>
<link>{site.url("/articles/" + s.slug)}</link><dc:date>{s.published.isoformat()}</dc:date></item>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{site.url("/rdf.xml")}"><title>{title}</title><link>{site.url("/")}</link>
<description>News</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>{items}</rdf:RDF>"""


def atom(site: Site, stories: Iterable[Story], title: str = "Harbour Gazette Atom") -> str:
    entries = "".join(
        f"""<entry><title>{s.title}</title><link href="{site.url("/articles/" + s.slug)}"/>
<id>{s.guid or "urn:atom:" + s.slug}</id><updated>{s.published.isoformat()}</updated></entry>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title><id>urn:feed</id>
<updated>2026-03-14T08:30:00Z</updated>{entries}</feed>"""


PORT = Story(
    "kellan-cargo",
    "Port of Kellan handles record cargo volumes",
    (
        "The Port of Kellan handled 4.2 million containers in 2025, a record for the harbour "
        "and an increase of 12 percent on the year before.",
        "Harbour master Jonas Ek said the new deep-water berth, opened in May, allowed larger "
        "ships to call at the port for the first time in its history.",
        "Freight operators expect volumes to grow again this year as two shipping lines move "
        "their northern routes to Kellan from the rival port of Ostby.",
    ),
)
FERRY = Story(
    "ferry-strike",
    "Ferry crews on the Kellan line vote to strike",
    (
        "Crews on the ferry line between Kellan and the islands voted to strike for three days "
        "next week over pay and the length of their shifts.",
        "The operator said it would run a reduced timetable with two boats instead of five and "
        "asked travellers to book their crossings in advance.",
        "Union officials said 86 percent of members who voted backed the strike, on a turnout "
        "of more than seventy percent of the crews.",
    ),
    published=dt.datetime(2026, 3, 15, 6, 0, tzinfo=dt.UTC),
)
BRIDGE = Story(
    "bridge-opens",
    "New cycle bridge opens over the Kellan river",
    (
        "A new cycle and footbridge over the Kellan river opened on Saturday after two years of "
        "construction that cost the city 24 million euros.",
        "The bridge is 310 meters long and links the old harbour district with the new housing "
        "on the southern bank of the river.",
        "City planners expect about 6,000 cyclists to cross it every day once the connecting "
        "paths are finished in the summer.",
    ),
    published=dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC),
)


@contextlib.contextmanager
def site_in_thread() -> Iterator[Site]:
    """The site on its own event loop in a thread, for code that runs its own loop (the CLI)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = Site()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
