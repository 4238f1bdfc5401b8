"""Fetching feeds and pages over HTTP(S), safely: the only module of briefbot that goes online.

Every request is bounded: a total timeout, a size cap counted on the decoded body (a gzip bomb
stops at the cap too), a redirect limit with each hop checked again, and a minimum gap between
two requests to one host. Only http and https are followed, and a host is refused when any of
its addresses is private, loopback, link-local or otherwise not global (a feed must not become
a way into the host's own network). The check sits in the resolver that the connection itself
uses, so the address checked is the address connected to; literal IP hosts, which skip the
resolver, are checked before the request.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], bool]
USER_AGENT = "briefbot-feeds/0.1 (+https://github.com/briefbot)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A request that gave no usable response; `transient` errors are worth retrying later."""

    def __init__(self, url: str, reason: str, *, transient: bool, retry_after: float = 0) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after


class Refused(OSError):
    """A host whose address the policy does not allow (raised inside the resolver)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on every request."""

    timeout: float = 20.0  # seconds, connection to the last byte
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    host_interval: float = 2.0  # seconds between two requests to one host


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: 200 with its body, or 304 (not modified) without one."""

    url: str  # after redirects
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def modified(self) -> bool:
        return self.status != 304


def is_public(ip: IPAddress) -> bool:
    """A globally routable unicast address (not private, loopback, link-local, reserved…)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return ip.is_global and not ip.is_multicast


def allow_any(ip: IPAddress) -> bool:
    """The policy for tests against a server on 127.0.0.1."""
    return True


class _GuardedResolver(AbstractResolver):
    """The system resolver, refusing a host when any of its addresses breaks the policy."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._inner = ThreadedResolver()
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        bad = [r["host"] for r in results if not self._policy(ipaddress.ip_address(r["host"]))]
        if bad:
            raise Refused(f"{host} resolves to a non-public address ({', '.join(bad)})")
        return results

    async def close(self) -> None:
        await self._inner.close()


class HostThrottle:
    """At most one request per `interval` seconds to each host, in the order they asked."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock, self._sleep = clock, sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, host: str) -> None:
        """Return when a request to `host` may start, and count it."""
        async with self._locks.setdefault(host, asyncio.Lock()):
            delay = self._next.get(host, 0.0) - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._next[host] = self._clock() + self.interval


def check_url(url: str, policy: AddressPolicy) -> str:
    """The URL's host if it may be fetched; FetchError (permanent) if not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(
            url, f"only http and https are followed, not {parts.scheme!r}", transient=False
        )
    host = parts.hostname
    if not host:
        raise FetchError(url, "no host in the URL", transient=False)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not policy(literal):
        raise FetchError(url, f"{host} is not a public address", transient=False)
    return host.lower()


def _retry_after(headers: Any) -> float:
    value = headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else 0.0


class Fetcher:
    """One HTTP client session with the limits and the address policy; use `async with`."""

    def __init__(
        self,
        limits: Limits = Limits(),
        policy: AddressPolicy = is_public,
        throttle: HostThrottle | None = None,
    ) -> None:
        self.limits = limits
        self.policy = policy
        self.throttle = throttle or HostThrottle(limits.host_interval)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        connector = aiohttp.TCPConnector(resolver=_GuardedResolver(self.policy), limit=8)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.limits.timeout),
            headers={"User-Agent": USER_AGENT},
            trust_env=False,  # no proxy from the environment: the policy is the only way out
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET `url`, following at most `max_redirects` checked redirects; raises FetchError."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(self.limits.max_redirects + 1):
            host = check_url(url, self.policy)
            await self.throttle.wait(host)
            fetched, location = await self._once(url, headers)
            if location is None:
                assert fetched is not None
                return fetched
            url = location
        raise FetchError(url, f"more than {self.limits.max_redirects} redirects", transient=False)

    async def _once(self, url: str, headers: dict[str, str]) -> tuple[Fetched | None, str | None]:
        """One request: the response, or where it redirects to."""
        if self._session is None:
            raise RuntimeError("use the Fetcher in `async with`")
        try:
            async with self._session.get(url, headers=headers, allow_redirects=False) as resp:
                if resp.status in _REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise FetchError(
                            url, f"HTTP {resp.status} without a Location", transient=False
                        )
                    return None, urljoin(url, location)
                return await self._read(url, resp), None
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(
                url, f"timed out after {self.limits.timeout:g} s", transient=True
            ) from None
        except aiohttp.ClientConnectorError as err:
            if isinstance(err.os_error, Refused):
                raise FetchError(url, str(err.os_error), transient=False) from None
            raise FetchError(url, f"cannot connect ({err.os_error})", transient=True) from None
        except (aiohttp.ClientError, OSError) as err:
            raise FetchError(url, f"{type(err).__name__}: {err}", transient=True) from None

    async def _read(self, url: str, resp: aiohttp.ClientResponse) -> Fetched:
        """The body of a final response, within the size cap."""
        head = Fetched(
            url=url,
            status=resp.status,
            content_type=resp.headers.get("Content-Type", ""),
            etag=resp.headers.get("ETag"),
            last_modified=resp.headers.get("Last-Modified"),
        )
        if resp.status == 304:
            return head
        if resp.status != 200:
            transient = resp.status >= 500 or resp.status in (408, 429)
            raise FetchError(
                url,
                f"HTTP {resp.status}",
                transient=transient,
                retry_after=_retry_after(resp.headers),
            )
        cap = self.limits.max_bytes
        too_big = FetchError(url, f"response larger than {cap:,} bytes", transient=False)
        if resp.content_length is not None and resp.content_length > cap:
            raise too_big
        body = bytearray()
        async for chunk in resp.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > cap:
                raise too_big
        return dataclasses.replace(head, body=bytes(body))
