"""What a test makes "users" do: slash commands, autocomplete, clicks, messages; and waits."""

from __future__ import annotations

import mimetypes
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .commands import UsageError, build_command_data
from .records import FileRecord, InteractionRecord, MessageRecord

T = TypeVar("T")

if TYPE_CHECKING:
    from .gateway import Gateway
    from .models import ChannelSpec, UserSpec
    from .state import FakeState, Ref

_SELECTS = (3, 5, 6, 7, 8)


class ActionsMixin:
    state: FakeState
    gateway: Gateway
    default_user: str | None
    _consumed: set[int]

    # -- lookups ---------------------------------------------------------------------------
    def _user(self, ref: Ref | None) -> UserSpec:
        if ref is None:
            if self.default_user is not None:
                return self.state.user(self.default_user)
            return next(u for u in self.state.users.values() if not u.bot)
        return self.state.user(ref)

    def _channel(self, ref: Ref | None) -> ChannelSpec:
        if ref is None:
            guild = next(iter(self.state.guilds.values()))
            return next(c for c in guild.channels if c.type == 0 and not c.deleted)
        return self.state.channel(ref)

    def message(self, ref: int | MessageRecord) -> MessageRecord:
        if isinstance(ref, MessageRecord):
            return ref
        return self.state.messages[int(ref)]

    def mention(self, ref: Ref | None = None) -> str:
        """`<@id>` for a user (the bot when omitted)."""
        return f"<@{self.state.bot.id if ref is None else self.state.user(ref).id}>"

    # -- interactions ----------------------------------------------------------------------
    def _new_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        channel: Any,
        user: Any,
        message: MessageRecord | None = None,
    ) -> InteractionRecord:
        state = self.state
        ch, u = self._channel(channel), self._user(user)
        guild = state.guild_of(ch)
        iid = state.ids.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(state.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "channel": state.channel_payload(ch),
            "channel_id": str(ch.id),
            "locale": "en-US",
            "app_permissions": str(state.permissions(state.bot.id, ch)),
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "context": 0 if guild else 1,
        }
        if guild is not None:
            perms = state.permissions(u.id, ch)
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = state.member_payload(guild, u, permissions=perms)
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        else:
            payload["user"] = u.payload()
            payload["authorizing_integration_owners"] = {"1": str(u.id)}
        if message is not None:
            payload["message"] = message.data
        record = InteractionRecord(
            iid, token, itype, payload, ch.id, guild.id if guild else None, u.id, state.notifier
        )
        if message is not None:
            record.component_message_id = message.id
        state.interactions[iid] = record
        state.by_token[token] = record
        return record

    async def _send(self, record: InteractionRecord) -> InteractionRecord:
        def mark() -> None:
            if record.sent_at is None:
                record.sent_at = time.perf_counter()

        await self.gateway.dispatch("INTERACTION_CREATE", record.payload, on_sent=mark)
        return record

    async def invoke(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user: Ref | None = None,
        channel: Ref | None = None,
        raw_options: list[dict[str, Any]] | None = None,
        require_synced: bool = True,
        enforce_permissions: bool = True,
    ) -> InteractionRecord:
        """Send a slash command, e.g. invoke("briefing subscribe", {"channel": "briefings"}).

        An attachment option takes (filename, bytes), served at its resolved CDN-like url."""
        ch, u = self._channel(channel), self._user(user)
        data = build_command_data(
            self.state,
            command,
            options or {},
            channel=ch,
            user=u,
            raw_options=raw_options,
            require_synced=require_synced,
            enforce_permissions=enforce_permissions,
        )
        return await self._send(self._new_interaction(2, data, channel=ch, user=u))

    async def autocomplete(
        self,
        command: str,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
        *,
        user: Ref | None = None,
        channel: Ref | None = None,
    ) -> InteractionRecord:
        """Send an autocomplete request (type 4); the answer is in `record.choices`."""
        ch, u = self._channel(channel), self._user(user)
        opts = {**(options or {}), focused: value}
        data = build_command_data(self.state, command, opts, channel=ch, user=u, focused=focused)
        return await self._send(self._new_interaction(4, data, channel=ch, user=u))

    async def click(
        self,
        message: int | MessageRecord,
        custom_id: str | None = None,
        *,
        label: str | None = None,
        user: Ref | None = None,
        values: list[str] | None = None,
    ) -> InteractionRecord:
        """Click a button (or pick `values` in a select) on a message the bot posted."""
        msg = self.message(message)
        comp = msg.find_component(custom_id, label)
        if comp is None:
            ids = [c.get("custom_id") or c.get("label") for c in msg.iter_components()]
            raise UsageError(f"no component {custom_id or label!r} on message {msg.id}: {ids}")
        if comp.get("disabled"):
            raise UsageError(f"component {comp.get('custom_id')!r} is disabled")
        if comp["type"] == 2 and comp.get("style") in (5, 6):
            raise UsageError("link/premium buttons do not create interactions")
        data: dict[str, Any] = {"custom_id": comp["custom_id"], "component_type": comp["type"]}
        if comp["type"] in _SELECTS:
            data["values"] = list(values or [])
        elif values is not None:
            raise UsageError("values= only applies to select menus")
        if msg.deleted:
            raise UsageError(f"message {msg.id} was deleted")
        record = self._new_interaction(3, data, channel=msg.channel_id, user=user, message=msg)
        return await self._send(record)

    # -- messages --------------------------------------------------------------------------
    async def send_message(
        self,
        channel: Ref | None,
        content: str,
        *,
        author: Ref | None = None,
        mentions: list[Ref] | None = None,
        reply_to: int | MessageRecord | None = None,
        embeds: list[dict[str, Any]] | None = None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> MessageRecord:
        """A user (or another bot) posts in a channel -> MESSAGE_CREATE.

        `<@id>` mentions in content are parsed; `mentions` adds more explicitly; `files` are
        (filename, bytes) attachments served at their `url` by the fake."""
        ch, user = self._channel(channel), self._user(author)
        payload: dict[str, Any] = {"content": content, "embeds": embeds or []}
        if reply_to is not None:
            payload["message_reference"] = {"message_id": str(self.message(reply_to).id)}
        attached = [
            FileRecord(name, mimetypes.guess_type(name)[0] or "application/octet-stream", data)
            for name, data in files or []
        ]
        record = self.state.create_message(ch, user, payload, source="user", files=attached)
        for ref in mentions or []:
            record.pinged_users.add(self.state.user(ref).id)
        record.data["mentions"] = [
            self.state.users[u].payload() for u in sorted(record.pinged_users)
        ]
        await self.gateway.dispatch("MESSAGE_CREATE", record.data)
        return record

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send any raw gateway DISPATCH (e.g. GUILD_MEMBER_ADD) to the connected client."""
        await self.gateway.dispatch(event, data)

    # -- waiting ---------------------------------------------------------------------------
    async def wait_for(
        self, predicate: Callable[[], T | None], timeout: float = 3.0, what: str = ""
    ) -> T:
        """Wait until predicate() is truthy (re-checked whenever the fake's state changes)."""
        return await self.state.notifier.wait_until(predicate, timeout, what or repr(predicate))

    async def wait_for_ready(
        self, timeout: float = 5.0, *, shard: int | None = None, count: int = 1
    ) -> None:
        """Until `count` sessions (of that shard, or any) IDENTIFYed and got READY + every
        GUILD_CREATE of their shard."""

        def readied() -> bool:
            shards = self.gateway.ready_shards
            return sum(1 for s in shards if shard is None or s == shard) >= count

        what = "gateway READY" + ("" if shard is None else f" on shard {shard}")
        await self.wait_for(readied, timeout, what)

    async def wait_for_resume(self, count: int = 1, timeout: float = 5.0) -> None:
        await self.wait_for(lambda: len(self.gateway.resumes) >= count, timeout, "RESUME")

    async def wait_for_sync(self, count: int = 1, timeout: float = 5.0) -> None:
        await self.wait_for(lambda: len(self.state.sync_log) >= count, timeout, "command sync")

    async def wait_for_message(
        self,
        channel: Ref | None = None,
        predicate: Callable[[MessageRecord], bool] | None = None,
        *,
        timeout: float = 3.0,
        author: Ref | None = "bot",
    ) -> MessageRecord:
        """Next not-yet-returned message in `channel` (by the bot unless author=None/other)."""
        ch = self._channel(channel)
        author_id = self.state.bot.id if author == "bot" else None
        if author not in ("bot", None):
            author_id = self.state.user(author).id

        def find() -> MessageRecord | None:
            for msg in self.state.channel_messages.get(ch.id, []):
                if msg.id in self._consumed or (author_id and msg.author_id != author_id):
                    continue
                if msg.loading or msg.deleted:  # a deferred "thinking..." placeholder
                    continue
                if predicate is None or predicate(msg):
                    self._consumed.add(msg.id)
                    return msg
            return None

        return await self.wait_for(find, timeout, f"a message in #{ch.name}")
