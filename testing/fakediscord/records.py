"""Records of what the bot did, for test assertions, plus an awaitable change notifier."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

EPHEMERAL = 1 << 6
LOADING = 1 << 7


class Notifier:
    """Wakes waiters whenever the fake's state changes."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake discord: timed out after {timeout}s waiting for {what}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(fut, remaining)


@dataclass
class RequestRecord:
    method: str
    path: str  # relative to /api/v10
    query: dict[str, str]
    body: Any = None
    status: int = 0
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Violation:
    """Something the bot sent that real Discord would reject (or a protocol misuse)."""

    kind: str
    message: str
    method: str = ""
    path: str = ""
    payload: Any = None


@dataclass
class Fault:
    """Fail the next `remaining` requests matching method + path glob (relative to /api/v10)."""

    method: str
    pattern: str
    status: int
    remaining: int = 1
    code: int = 0
    message: str = ""
    retry_after: float = 0.05
    is_global: bool = False
    hits: int = 0
    after: bool = False  # the request takes effect first, then the fault is the answer

    def matches(self, method: str, path: str) -> bool:
        if self.remaining <= 0:
            return False
        if self.method not in ("*", method.upper()):
            return False
        return fnmatch.fnmatchcase(path, self.pattern)


@dataclass
class FileRecord:
    filename: str
    content_type: str
    data: bytes


@dataclass(eq=False)
class MessageRecord:
    """A message in the fake. `data` is the current wire payload, `payload` what the bot sent."""

    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    data: dict[str, Any]
    payload: dict[str, Any] = field(default_factory=dict)
    source: str = "channel"  # channel | interaction | followup | user
    interaction_id: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    deleted: bool = False
    pinged_users: set[int] = field(default_factory=set)
    pinged_roles: set[int] = field(default_factory=set)
    pinged_everyone: bool = False
    created_at: float = field(default_factory=time.perf_counter)

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components") or []

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        for payload in [*reversed(self.edits), self.payload]:
            if "allowed_mentions" in payload:
                am: dict[str, Any] | None = payload["allowed_mentions"]
                return am
        return None

    @property
    def message_reference(self) -> dict[str, Any] | None:
        return self.data.get("message_reference")

    def iter_components(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        stack = list(reversed(self.components))
        while stack:
            comp = stack.pop()
            out.append(comp)
            children = list(comp.get("components") or [])
            if comp.get("accessory"):
                children.append(comp["accessory"])
            stack.extend(reversed(children))
        return out

    def find_component(
        self, custom_id: str | None = None, label: str | None = None
    ) -> dict[str, Any] | None:
        for comp in self.iter_components():
            if custom_id is not None and comp.get("custom_id") == custom_id:
                return comp
            if label is not None and comp.get("label") == label:
                return comp
        return None

    def text(self) -> str:
        """Content plus embed titles/descriptions/fields, for loose assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for f in embed.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class CallbackRecord:
    type: int | None
    data: dict[str, Any] | None
    at: float
    status: int
    accepted: bool


FINAL_CALLBACKS = {4, 7, 8, 9}


@dataclass(eq=False)
class InteractionRecord:
    """One interaction the fake sent, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    user_id: int
    notifier: Notifier = field(repr=False, default_factory=Notifier)
    sent_at: float | None = None
    first_response_at: float | None = None
    callbacks: list[CallbackRecord] = field(default_factory=list)
    original: MessageRecord | None = None
    followups: list[MessageRecord] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    component_message_id: int | None = None

    @property
    def accepted_callback(self) -> CallbackRecord | None:
        return next((c for c in self.callbacks if c.accepted), None)

    @property
    def response_type(self) -> int | None:
        cb = self.accepted_callback
        return cb.type if cb else None

    @property
    def latency(self) -> float | None:
        """Seconds from INTERACTION_CREATE written to the socket to the first callback."""
        if self.sent_at is None or self.first_response_at is None:
            return None
        return self.first_response_at - self.sent_at

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        cb = self.accepted_callback
        if cb is None or cb.type != 8:
            return None
        return list((cb.data or {}).get("choices") or [])

    @property
    def messages(self) -> list[MessageRecord]:
        out = [self.original] if self.original else []
        return out + [m for m in self.followups if m is not self.original]

    @property
    def done(self) -> bool:
        kind = self.response_type
        if kind is None:
            return False
        if kind in FINAL_CALLBACKS:
            return True
        if kind == 5:
            return bool(self.followups) or (self.original is not None and not self.original.loading)
        return bool(self.edits or self.followups)  # 6: deferred update

    async def wait_first_response(self, timeout: float = 3.0) -> CallbackRecord:
        def first() -> CallbackRecord | None:
            return self.callbacks[0] if self.callbacks else None

        return await self.notifier.wait_until(first, timeout, f"a callback to {self!r}")

    async def wait_done(self, timeout: float = 5.0) -> InteractionRecord:
        await self.notifier.wait_until(lambda: self.done, timeout, f"{self!r} to be answered")
        return self

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[MessageRecord]:
        await self.notifier.wait_until(
            lambda: len(self.followups) >= count, timeout, f"{count} follow-ups to {self!r}"
        )
        return self.followups

    def __repr__(self) -> str:
        name = (self.payload.get("data") or {}).get("name") or (
            (self.payload.get("data") or {}).get("custom_id")
        )
        return f"<InteractionRecord id={self.id} type={self.type} {name!r} cb={self.response_type}>"
