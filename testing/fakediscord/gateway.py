"""The fake gateway: HELLO/IDENTIFY/READY/RESUME/heartbeats, zlib-stream, dispatch with seq.

Sharding as Discord does it: IDENTIFY may carry ``shard: [id, count]``; that session gets READY
and GUILD_CREATE only for the guilds on its shard, ``(guild_id >> 22) % count``, and every
event of a guild goes to the newest session of its shard (DMs to shard 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .payloads import guild_create_payload

if TYPE_CHECKING:
    from .state import FakeState

GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
VALID_INTENTS = (1 << 26) - 1
_MESSAGE_EVENTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE")
_GUILD_EVENTS = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")  # the guild's id is "id"


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % shard_count


def _guild_of(t: str, d: Any) -> int | None:
    """The guild an event belongs to, None for a DM or a guild-less event."""
    if not isinstance(d, dict):
        return None
    value = d.get("id") if t in _GUILD_EVENTS else d.get("guild_id")
    return int(value) if value else None


def _valid_shard(shard: Any) -> bool:
    """[shard_id, shard_count] with 0 <= shard_id < shard_count, as Discord accepts it."""
    if not isinstance(shard, list) or len(shard) != 2:
        return False
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in shard):
        return False
    return bool(0 <= shard[0] < shard[1])


@dataclass
class Event:
    seq: int
    t: str
    d: Any
    on_sent: Callable[[], None] | None = None


class Connection:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: str | None):
        self.ws = ws
        self.request = request
        self.path = request.path
        self.query = dict(request.query)
        self.zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self.lock = asyncio.Lock()
        self.session: Session | None = None

    async def send(self, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload, separators=(",", ":"))
        async with self.lock:
            if self.ws.closed:
                return
            if self.zlib is not None:  # one shared zlib context, each frame ends in Z_SYNC_FLUSH
                data = self.zlib.compress(raw.encode()) + self.zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(raw)

    async def close(self, code: int, message: str = "") -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code=code, message=message.encode()), 2.0)


@dataclass(eq=False)
class Session:
    id: str
    token: str
    intents: int
    identify: dict[str, Any]
    seq: int = 0
    events: list[Event] = field(default_factory=list)
    conn: Connection | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    shard: tuple[int, int] = (0, 1)  # (shard_id, shard_count) from IDENTIFY

    def covers(self, guild_id: int | None) -> bool:
        """Whether this session's shard receives the events of that guild (None: DMs)."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else shard_of(guild_id, count))

    def wants(self, t: str, d: Any) -> bool:
        if t in _MESSAGE_EVENTS:
            bit = GUILD_MESSAGES if d.get("guild_id") else DIRECT_MESSAGES
            return bool(self.intents & bit)
        return True


class Gateway:
    def __init__(
        self, state: FakeState, *, heartbeat_interval_ms: int, privileged: int, shard_count: int = 1
    ) -> None:
        self.state = state
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_allowed = privileged
        self.base_url = ""  # set once the server listens
        self.sessions: dict[str, Session] = {}
        self._recent: list[Session] = []  # by last IDENTIFY or RESUME, newest last
        self.connections: list[Connection] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.close_codes: list[int] = []
        self.heartbeats = 0
        self.presence_updates: list[dict[str, Any]] = []
        self.ready_count = 0
        self.ready_shards: list[int] = []  # the shard id of each READY sent, in order

    @property
    def current(self) -> Session | None:
        """The session that last IDENTIFYed or RESUMEd."""
        return self._recent[-1] if self._recent else None

    def _make_current(self, session: Session) -> None:
        if session in self._recent:
            self._recent.remove(session)
        self._recent.append(session)

    def session_for(self, guild_id: int | None) -> Session | None:
        """The newest session whose shard gets the events of that guild (None: DMs)."""
        return next((s for s in reversed(self._recent) if s.covers(guild_id)), None)

    @property
    def resume_url(self) -> str:
        return f"{self.base_url}/resume/"

    # -- websocket handler -------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request, request.query.get("compress"))
        self.connections.append(conn)
        try:
            if request.query.get("encoding", "json") != "json":
                await conn.close(4002, "Error while decoding payload.")
                return ws
            await conn.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    break
                await self._on_message(conn, json.loads(msg.data))
        finally:
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            if ws.close_code is not None:
                self.close_codes.append(ws.close_code)
            self.state.notifier.notify()
        return ws

    async def _on_message(self, conn: Connection, msg: dict[str, Any]) -> None:
        op, d = msg.get("op"), msg.get("d") or {}
        if op == 1:
            self.heartbeats += 1
            await conn.send({"op": 11})
        elif op == 2:
            await self._identify(conn, d)
        elif op == 6:
            await self._resume(conn, d)
        elif conn.session is None:
            await conn.close(4003, "Not authenticated.")
        elif op == 3:
            self.presence_updates.append(d)
        elif op == 8:
            await self._request_members(conn, d)

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if d.get("token") != self.state.token:
            await conn.close(4004, "Authentication failed.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int) or intents & ~VALID_INTENTS:
            await conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_allowed:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard = d.get("shard", [0, 1])
        if not _valid_shard(shard):
            await conn.close(4010, "Invalid shard.")
            return
        self.identifies.append(d)
        session = Session(secrets.token_hex(16), d["token"], intents, d, shard=tuple(shard))
        self.sessions[session.id] = session
        self._make_current(session)
        conn.session = session
        guilds = [g for g in self.state.guilds.values() if session.covers(g.id)]
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**self.state.bot.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "user_settings": {},
            "_trace": ["fake-discord"],
        }
        if d.get("shard"):
            ready["shard"] = d["shard"]
        async with session.lock:
            session.conn = conn
            await self._send_event(session, "READY", ready)
            for guild in guilds:
                payload = guild_create_payload(guild, self.state.users)
                await self._send_event(session, "GUILD_CREATE", payload)
        self.ready_count += 1
        self.ready_shards.append(session.shard[0])
        self.state.notifier.notify()

    async def _resume(self, conn: Connection, d: dict[str, Any]) -> None:
        session = self.sessions.get(d.get("session_id") or "")
        if session is None or d.get("token") != self.state.token or session.token != d["token"]:
            await conn.send({"op": 9, "d": False})
            return
        self.resumes.append({**d, "path": conn.path})
        conn.session = session
        self._make_current(session)
        last = d.get("seq") or 0
        async with session.lock:
            session.conn = conn
            for event in session.events:
                if event.seq > last:
                    await self._write(conn, event)
            await self._send_event(session, "RESUMED", {"_trace": ["fake-discord"]})
        self.state.notifier.notify()

    async def _request_members(self, conn: Connection, d: dict[str, Any]) -> None:
        guild = self.state.guilds.get(int(d.get("guild_id") or 0))
        if guild is None or conn.session is None:
            return
        wanted = {int(u) for u in d.get("user_ids") or []}
        query = (d.get("query") or "").lower()
        members = []
        for spec in guild.members:
            user = self.state.find_user(spec.user)
            if user is None or (wanted and user.id not in wanted):
                continue
            if user.name.lower().startswith(query):
                members.append(self.state.member_payload(guild, user))
        chunk = {
            "guild_id": str(guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "nonce": d.get("nonce"),
        }
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk, session=conn.session)

    # -- sending ---------------------------------------------------------------------------
    async def _send_event(
        self, session: Session, t: str, d: Any, on_sent: Callable[[], None] | None = None
    ) -> Event:
        """Assign the next seq, log for RESUME replay and send if connected (lock held)."""
        session.seq += 1
        event = Event(session.seq, t, d, on_sent)
        session.events.append(event)
        if session.conn is not None and not session.conn.ws.closed:
            await self._write(session.conn, event)
        return event

    async def _write(self, conn: Connection, event: Event) -> None:
        session = conn.session
        d = event.d
        if (
            session is not None
            and event.t in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
            and not session.intents & MESSAGE_CONTENT
            and not _content_exempt(d, self.state.bot.id)
        ):
            d = {**d, "content": "", "embeds": [], "attachments": [], "components": []}
        if event.on_sent is not None:
            event.on_sent()
        await conn.send({"op": 0, "t": event.t, "s": event.seq, "d": d})

    async def dispatch(
        self,
        t: str,
        d: Any,
        *,
        on_sent: Callable[[], None] | None = None,
        session: Session | None = None,
    ) -> Event | None:
        """Send a DISPATCH to the session of the event's shard (queued for RESUME if
        disconnected): the newest session whose shard has the event's guild."""
        session = session or self.session_for(_guild_of(t, d))
        if session is None:
            raise RuntimeError(
                f"fake discord: no gateway session for {t} (has the bot, or that shard, connected?)"
            )
        if not session.wants(t, d):
            return None
        async with session.lock:
            return await self._send_event(session, t, d, on_sent)

    # -- fault helpers ---------------------------------------------------------------------
    async def drop(self, code: int = 4000, *, abort: bool = False) -> None:
        conn = self.current.conn if self.current else None
        if conn is None:
            raise RuntimeError("fake discord: no live gateway connection to drop")
        self.current.conn = None  # type: ignore[union-attr]
        if abort:
            transport = conn.request.transport
            if transport is not None:
                transport.abort()
        else:
            await conn.close(code, "fake discord: dropped")

    async def send_op(self, op: int, d: Any = None) -> None:
        conn = self.current.conn if self.current else None
        if conn is None:
            raise RuntimeError("fake discord: no live gateway connection")
        await conn.send({"op": op, "d": d})

    async def close_all(self, code: int = 1001) -> None:
        await asyncio.gather(
            *(c.close(code) for c in self.connections if not c.ws.closed), return_exceptions=True
        )

    def live(self) -> bool:
        return bool(self.current and self.current.conn and not self.current.conn.ws.closed)


def _content_exempt(d: dict[str, Any], bot_id: int) -> bool:
    author = (d.get("author") or {}).get("id")
    mentioned = any(u.get("id") == str(bot_id) for u in d.get("mentions") or [])
    return author == str(bot_id) or mentioned or not d.get("guild_id")
