"""The fetcher's safety rules: schemes, non-public addresses on every hop, the per-host rate."""

from __future__ import annotations

import ipaddress

import pytest

from feeds.net import Fetcher, FetchError, HostThrottle, IPAddress, Limits, check_url, is_public
from tests.feeds.conftest import TEST_LIMITS
from tests.feeds.site import Site

ONLY_127_0_0_1 = TEST_LIMITS


def only_first_loopback(ip: IPAddress) -> bool:
    """A policy that lets the test server in and nothing else on this machine."""
    return ip == ipaddress.ip_address("127.0.0.1")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_not_public(address: str) -> None:
    """Every range a feed could use to reach the host's own network is refused."""
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_global_addresses_are_public(address: str) -> None:
    """A routable address passes (so the check does not refuse everything)."""
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.com/feed", "only http and https"),
        ("http:///feed.xml", "no host"),
        ("http://127.0.0.1/feed.xml", "127.0.0.1 is not a public address"),
        ("http://[::1]:8080/", "::1 is not a public address"),
    ],
)
def test_urls_that_are_never_fetched(url: str, reason: str) -> None:
    """Other schemes, missing hosts and literal non-public IPs are refused before any request."""
    with pytest.raises(FetchError, match=reason) as caught:
        check_url(url, is_public)
    assert not caught.value.transient


async def test_the_default_policy_refuses_the_local_server(site: Site) -> None:
    """With default settings, a feed on 127.0.0.1 is refused and never requested."""
    site.serve("/feed.xml", "<rss/>")
    async with Fetcher(ONLY_127_0_0_1) as fetcher:
        with pytest.raises(FetchError, match="not a public address"):
            await fetcher.get(site.url("/feed.xml"))
    assert site.requests == []


async def test_a_hostname_resolving_to_loopback_is_refused(site: Site) -> None:
    """`localhost` is checked through the resolver: each of its addresses must be public."""
    async with Fetcher(ONLY_127_0_0_1) as fetcher:
        with pytest.raises(FetchError, match="localhost resolves to a non-public address"):
            await fetcher.get(f"http://localhost:{site.port}/feed.xml")
    assert site.requests == []


async def test_every_redirect_hop_is_checked_again(site: Site) -> None:
    """A redirect from an allowed server to a refused address stops at the hop."""
    async with Fetcher(TEST_LIMITS, only_first_loopback, HostThrottle(0)) as fetcher:
        with pytest.raises(FetchError, match=r"127\.0\.0\.2 is not a public address"):
            await fetcher.get(site.url(f"/to/http://127.0.0.2:{site.port}/feed.xml"))
        with pytest.raises(FetchError, match="only http and https"):
            await fetcher.get(site.url("/to/file:///etc/passwd"))
    assert all(r.path.startswith("/to/") for r in site.requests)  # no target was reached


async def test_a_redirect_within_the_policy_is_followed(site: Site) -> None:
    """An allowed redirect lands on its target, and the final URL is reported."""
    site.serve("/feed.xml", "<rss/>", content_type="application/rss+xml")
    async with Fetcher(TEST_LIMITS, only_first_loopback, HostThrottle(0)) as fetcher:
        fetched = await fetcher.get(site.url("/to/feed.xml"))
    assert fetched.status == 200 and fetched.url == site.url("/feed.xml")
    assert fetched.body == b"<rss/>"


async def test_requests_to_one_host_are_spaced() -> None:
    """The throttle waits out the interval for a host, and only for that host."""
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    throttle = HostThrottle(2.0, clock=lambda: now[0], sleep=sleep)
    await throttle.wait("a.example")
    await throttle.wait("b.example")
    now[0] += 0.5
    await throttle.wait("a.example")
    assert slept == [1.5]


async def test_a_server_retry_after_is_kept_on_the_error(site: Site) -> None:
    """429 with Retry-After is transient and carries the server's wait."""
    site.serve("/busy", "slow down", status=429, headers={"Retry-After": "120"})
    async with Fetcher(Limits(timeout=1, host_interval=0), lambda ip: True) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/busy"))
    assert caught.value.transient and caught.value.retry_after == 120
