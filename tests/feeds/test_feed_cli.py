"""`briefbot feeds add|list|remove|fetch` against the local site, and the index picking it up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feeds.site import FERRY, PORT, Site, page_html, rss2, site_in_thread
from tests.helpers import Run


@pytest.fixture
def local_site() -> Iterator[Site]:
    with site_in_thread() as server:
        for s in (PORT, FERRY):
            server.serve("/articles/" + s.slug, page_html(s))
        server.serve("/feed.xml", rss2(server, [PORT, FERRY]), content_type="application/rss+xml")
        yield server


def test_add_fetch_list_remove_and_answer_from_the_articles(
    run: Run, local_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed added on the command line is fetched into the corpus and answered from."""
    monkeypatch.setenv("BRIEFBOT_FEEDS_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("BRIEFBOT_FEEDS_HOST_INTERVAL_SECONDS", "0")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    url = local_site.url("/feed.xml")
    assert run("feeds", "add", url, "--corpus", str(corpus)) == (0, f"added: {url}\n", "")
    code, out, _ = run("feeds", "fetch", "--corpus", str(corpus))
    assert (code, out) == (0, f"{url}: 2 new article(s)\n")
    code, out, _ = run("feeds", "list", "--json")
    assert code == 0
    [listed] = json.loads(out)
    assert (listed["title"], listed["articles"], listed["failures"]) == ("Harbour Gazette", 2, 0)
    code, out, _ = run("sources", "ferry strike", "--corpus", str(corpus), "--json")
    assert code == 0
    sources = json.loads(out)["sources"]
    assert sources[0]["title"] == FERRY.title and sources[0]["outlet"] == "Harbour Gazette"
    assert sources[0]["url"] == local_site.url("/articles/ferry-strike")
    assert run("feeds", "remove", url) == (0, f"removed: {url}\n", "")
    assert run("feeds", "remove", url)[0] == 2


def test_the_default_settings_refuse_a_feed_on_this_machine(
    run: Run, local_site: Site, tmp_path: Path
) -> None:
    """Without the test setting, fetching from 127.0.0.1 fails with the reason; nothing written."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    run("feeds", "add", local_site.url("/feed.xml"))
    code, out, _ = run("feeds", "fetch", "--corpus", str(corpus))
    assert code == 0 and "failed: " in out and "127.0.0.1 is not a public address" in out
    assert local_site.requests == [] and list(corpus.iterdir()) == []


def test_a_feed_address_that_is_not_http_is_refused(run: Run) -> None:
    """`feeds add file:///…` is one line on stderr and exit code 2."""
    code, out, err = run("feeds", "add", "file:///etc/passwd")
    assert code == 2 and out == "" and "not a feed address: only http and https" in err
