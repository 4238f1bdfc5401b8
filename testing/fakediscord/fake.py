"""FakeDiscord: server lifecycle, discord.py patching, fault injection and record accessors."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import yarl
from aiohttp import web

from . import commands, rest, rest_channels, rest_interactions
from .actions import ActionsMixin
from .faults import FaultsMixin
from .gateway import PRIVILEGED_INTENTS, Gateway
from .models import (
    DEFAULT_BOT_PERMISSIONS,
    ChannelSpec,
    GuildSpec,
    UserSpec,
    default_guild,
    default_users,
)
from .records import InteractionRecord, MessageRecord, RequestRecord, Violation
from .state import FakeState, Ref

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class FakeDiscord(ActionsMixin, FaultsMixin):
    """A local Discord (REST + gateway) for driving the real discord.py client.

    Use as `async with FakeDiscord() as fake:` -- starts the server on 127.0.0.1:<ephemeral>
    and points discord.py at it (and blocks any other outbound aiohttp request) until exit.
    `shard_count` is the number of shards GET /gateway/bot recommends.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "briefbot",
        guilds: list[GuildSpec] | None = None,
        users: list[UserSpec] | None = None,
        default_user: str | None = None,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        heartbeat_interval_ms: int = 41250,
        interaction_timeout: float = 3.0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        echo_bot_messages: bool = True,
        block_external: bool = True,
        shard_count: int = 1,
    ) -> None:
        self.state = FakeState(
            token=token,
            bot_name=bot_name,
            guilds=guilds if guilds is not None else [default_guild()],
            users=users if users is not None else default_users(),
            bot_permissions=bot_permissions,
        )
        self.state.interaction_timeout = interaction_timeout
        self.state.echo_bot_messages = echo_bot_messages
        self.gateway = Gateway(
            self.state,
            heartbeat_interval_ms=heartbeat_interval_ms,
            privileged=privileged_intents,
            shard_count=shard_count,
        )
        self.state.gateway = self.gateway
        self.default_user = default_user
        self.block_external = block_external
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._patch_stack: contextlib.ExitStack | None = None
        self._consumed: set[int] = set()

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        app = web.Application(middlewares=[rest.middleware], client_max_size=64 * 1024 * 1024)
        app[rest.STATE_KEY] = self.state
        app[rest.GATEWAY_KEY] = self.gateway
        for table in (rest.routes, rest_channels.routes, rest_interactions.routes, commands.routes):
            app.add_routes(table)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/resume/", self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", rest.unknown_route)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.gateway.base_url = self.gateway_url.rstrip("/")
        self.state.http_base = f"http://127.0.0.1:{self.port}"
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        self._patch_stack = contextlib.ExitStack()
        self._patch_stack.enter_context(self.patched())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._patch_stack is not None:
            self._patch_stack.close()
        await self.stop()

    @contextlib.contextmanager
    def patched(self) -> Iterator[FakeDiscord]:
        """Point discord.py's REST base, webhook routes and gateway at this fake; restore after.

        Interaction webhooks use the same `discord.http.Route` (and so Route.BASE) in 2.x.
        """
        import discord.gateway
        import discord.http

        route, ws_cls = discord.http.Route, discord.gateway.DiscordWebSocket
        old_base, old_gateway = route.BASE, ws_cls.DEFAULT_GATEWAY
        original = aiohttp.ClientSession._request
        fake = self

        async def guarded(
            session: Any, method: str, str_or_url: Any, *args: Any, **kw: Any
        ) -> aiohttp.ClientResponse:
            url = yarl.URL(str(str_or_url))
            if url.host not in _LOCAL_HOSTS:
                fake.state.blocked_requests.append(f"{method} {url}")
                raise RuntimeError(f"fake discord: blocked a real network request to {url}")
            return await original(session, method, str_or_url, *args, **kw)

        route.BASE = self.api_base
        ws_cls.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        if self.block_external:
            aiohttp.ClientSession._request = guarded  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            route.BASE, ws_cls.DEFAULT_GATEWAY = old_base, old_gateway
            aiohttp.ClientSession._request = original  # type: ignore[method-assign]

    @contextlib.asynccontextmanager
    async def running(
        self, client: Any, *, token: str | None = None, timeout: float = 5.0
    ) -> AsyncIterator[Any]:
        """Run `client.start()` in a task until the client is ready; close it on exit."""
        task = asyncio.create_task(client.start(token or self.state.token))
        try:
            await self._until_ready(client, task, timeout)
            yield client
        except BaseException:
            await client.close()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 5.0)
            raise
        await client.close()
        await asyncio.wait_for(task, 5.0)  # surfaces exceptions raised inside start()

    async def _until_ready(self, client: Any, task: asyncio.Task[Any], timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not client.is_ready():
            if task.done():
                task.result()
                raise RuntimeError("client.start() returned before the client was ready")
            if loop.time() > deadline:
                raise TimeoutError(f"client not ready after {timeout}s")
            await asyncio.sleep(0.005)

    # -- lookups -----------------------------------------------------------------------------
    @property
    def token(self) -> str:
        return self.state.token

    @property
    def bot_user(self) -> UserSpec:
        return self.state.bot

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def guild(self) -> GuildSpec:
        return next(iter(self.state.guilds.values()))

    def channel(self, ref: Ref) -> ChannelSpec:
        return self.state.channel(ref)

    def user(self, ref: Ref) -> UserSpec:
        return self.state.user(ref)

    def dm_channel(self, user: Ref) -> ChannelSpec:
        """The DM channel between the bot and `user` (created on first use)."""
        return self.state.dm_channel(self.state.user(user))

    # -- records -----------------------------------------------------------------------------
    @property
    def interactions(self) -> list[InteractionRecord]:
        return list(self.state.interactions.values())

    @property
    def requests(self) -> list[RequestRecord]:
        return self.state.requests

    @property
    def unknown_requests(self) -> list[RequestRecord]:
        return self.state.unknown_requests

    @property
    def violations(self) -> list[Violation]:
        return self.state.violations

    @property
    def blocked_requests(self) -> list[str]:
        return self.state.blocked_requests

    @property
    def sync_log(self) -> list[tuple[int | None, list[dict[str, Any]]]]:
        """Every bulk overwrite (PUT) as (guild_id or None, payload exactly as sent)."""
        return self.state.sync_log

    def last_sync(self, guild: Ref | None = None) -> list[dict[str, Any]] | None:
        """The payload of the most recent bulk sync (PUT) for that scope, exactly as sent."""
        scope = None if guild is None else self._guild_id(guild)
        return next((p for s, p in reversed(self.state.sync_log) if s == scope), None)

    def commands(self, guild: Ref | None = None) -> list[dict[str, Any]]:
        """Currently registered commands (global, or for a guild), as Discord echoes them."""
        scope = None if guild is None else self._guild_id(guild)
        return self.state.commands.get(scope, [])

    def _guild_id(self, ref: Ref) -> int:
        if isinstance(ref, GuildSpec):
            return ref.id
        for guild in self.state.guilds.values():
            if ref in (guild.id, guild.name):
                return guild.id
        raise KeyError(f"fake discord: unknown guild {ref!r}")

    def messages(
        self, channel: Ref | None = None, *, bot_only: bool = True, include_deleted: bool = False
    ) -> list[MessageRecord]:
        ch = self._channel(channel)
        return [
            m
            for m in self.state.channel_messages.get(ch.id, [])
            if (include_deleted or not m.deleted)
            and (not bot_only or m.author_id == self.bot_user.id)
        ]

    def requests_to(self, method: str, pattern: str) -> list[RequestRecord]:
        return [
            r
            for r in self.state.requests
            if method in ("*", r.method) and fnmatch.fnmatchcase(r.path, pattern)
        ]

    def assert_clean(self) -> None:
        """Fail if the bot did anything real Discord would reject or the fake doesn't know."""
        problems = [
            f"violation: {v.kind}: {v.message} {v.method} {v.path}" for v in self.violations
        ]
        problems += [f"unknown route: {r.method} {r.path}" for r in self.unknown_requests]
        problems += [f"blocked external request: {b}" for b in self.blocked_requests]
        assert not problems, "fake discord saw problems:\n" + "\n".join(problems)
