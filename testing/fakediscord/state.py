"""In-memory Discord state: users, guilds, channels, messages, interactions, logs."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .messages import MessagesMixin
from .models import (
    DM,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    ChannelSpec,
    GuildSpec,
    MemberSpec,
    RoleSpec,
    Snowflakes,
    UserSpec,
    compute_permissions,
)
from .payloads import channel_payload, member_payload
from .records import (
    CallbackRecord,
    Fault,
    FileRecord,
    InteractionRecord,
    MessageRecord,
    Notifier,
    RequestRecord,
    Violation,
)
from .validation import DiscordError

if TYPE_CHECKING:
    from .gateway import Gateway

Ref = int | str | UserSpec | ChannelSpec | GuildSpec | MessageRecord


class FakeState(MessagesMixin):
    def __init__(
        self,
        *,
        token: str,
        bot_name: str,
        guilds: list[GuildSpec],
        users: list[UserSpec],
        bot_permissions: int,
    ) -> None:
        self.ids = Snowflakes()
        self.notifier = Notifier()
        self.token = token
        self.gateway: Gateway | None = None
        self.echo_bot_messages = True
        self.interaction_timeout = 3.0
        self.http_base = "http://127.0.0.1"  # + port, set when the server starts
        self.bot = UserSpec(bot_name, bot=True, id=self.ids.next())
        self.application_id = self.bot.id  # Discord: the bot user id == application id
        self.users: dict[int, UserSpec] = {self.bot.id: self.bot}
        for user in users:
            user.id = user.id or self.ids.next()
            self.users[user.id] = user
        self.guilds: dict[int, GuildSpec] = {}
        self.channels: dict[int, ChannelSpec] = {}
        for guild in guilds:
            self._add_guild(guild, bot_permissions)
        self.messages: dict[int, MessageRecord] = {}
        self.channel_messages: dict[int, list[MessageRecord]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # None = global
        self.command_ids: dict[tuple[int | None, str, int], int] = {}
        self.sync_log: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.requests: list[RequestRecord] = []
        self.unknown_requests: list[RequestRecord] = []
        self.violations: list[Violation] = []
        self.faults: list[Fault] = []
        self.blocked_requests: list[str] = []
        self.reactions: list[tuple[str, int, int, str]] = []  # (op, channel, message, emoji)
        self.typing: list[int] = []
        self.uploads: dict[int, FileRecord] = {}  # attachment options, served like the CDN

    # -- setup / lookups ---------------------------------------------------------
    def _add_guild(self, guild: GuildSpec, bot_permissions: int) -> None:
        guild.id = guild.id or self.ids.next()
        guild.everyone = RoleSpec("@everyone", guild.everyone_permissions, id=guild.id, position=0)
        for role in guild.roles:
            role.id = role.id or self.ids.next()
        bot_role = RoleSpec(self.bot.name, bot_permissions, self.ids.next(), managed=True)
        guild.roles.append(bot_role)
        guild.members.append(MemberSpec(self.bot.name, [bot_role.name]))
        owner = self.find_user(guild.owner) if guild.owner else None
        guild.owner_id = owner.id if owner else 0
        for channel in guild.channels:
            channel.id = channel.id or self.ids.next()
            channel.guild_id = guild.id
            self.channels[channel.id] = channel
        self.guilds[guild.id] = guild

    def find_user(self, ref: Ref) -> UserSpec | None:
        if isinstance(ref, UserSpec):
            return ref
        if isinstance(ref, int):
            return self.users.get(ref)
        if isinstance(ref, str):
            return next((u for u in self.users.values() if u.name == ref), None)
        return None

    def user(self, ref: Ref) -> UserSpec:
        user = self.find_user(ref)
        if user is None:
            raise KeyError(f"fake discord: unknown user {ref!r}")
        return user

    def channel(self, ref: Ref, guild: GuildSpec | None = None) -> ChannelSpec:
        if isinstance(ref, ChannelSpec):
            return ref
        if isinstance(ref, int) and ref in self.channels:
            return self.channels[ref]
        if isinstance(ref, str):
            for ch in self.channels.values():
                if ch.name == ref and (guild is None or ch.guild_id == guild.id):
                    return ch
        raise KeyError(f"fake discord: unknown channel {ref!r}")

    def guild_of(self, channel: ChannelSpec) -> GuildSpec | None:
        return self.guilds.get(channel.guild_id or 0)

    def member(self, guild: GuildSpec, user_id: int) -> MemberSpec | None:
        return guild.member(user_id, self.users)

    def permissions(self, user_id: int, channel: ChannelSpec) -> int:
        guild = self.guild_of(channel)
        if guild is None:
            return VIEW_CHANNEL | SEND_MESSAGES
        return compute_permissions(guild, user_id, self.member(guild, user_id), channel)

    def channel_payload(self, channel: ChannelSpec) -> dict[str, Any]:
        return channel_payload(channel, self.guild_of(channel), self.users)

    def member_payload(self, guild: GuildSpec, user: UserSpec, **kw: Any) -> dict[str, Any]:
        member = self.member(guild, user.id)
        if member is None:
            raise KeyError(f"fake discord: {user.name} is not a member of {guild.name}")
        return member_payload(guild, member, user, **kw)

    def dm_channel(self, user: UserSpec) -> ChannelSpec:
        for ch in self.channels.values():
            if ch.type == DM and ch.recipient_id == user.id:
                return ch
        ch = ChannelSpec(f"dm-{user.name}", type=DM, id=self.ids.next(), recipient_id=user.id)
        self.channels[ch.id] = ch
        return ch

    def bot_channel(self, channel_id: int, *, send: bool) -> ChannelSpec:
        """The channel, as the bot may use it; raises Discord's errors otherwise."""
        ch = self.channels.get(channel_id)
        if ch is None or ch.deleted:
            raise DiscordError(404, 10003, "Unknown Channel")
        if ch.forbidden:
            raise DiscordError(403, 50013, "Missing Permissions")
        perms = self.permissions(self.bot.id, ch)
        if not perms & VIEW_CHANNEL:
            raise DiscordError(403, 50001, "Missing Access")
        if send and not perms & SEND_MESSAGES:
            raise DiscordError(403, 50013, "Missing Permissions")
        return ch

    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, path):
                fault.remaining -= 1
                fault.hits += 1
                return fault
        return None

    def note_fault(self, path: str, payload: Any, status: int) -> None:
        """A fault-injected interaction callback still counts as an (unaccepted) attempt."""
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[0] != "interactions" or parts[3] != "callback":
            return
        record = self.interactions.get(int(parts[1]) if parts[1].isdigit() else 0)
        if record is None or record.token != parts[2]:
            return
        at = time.perf_counter()
        if record.first_response_at is None:
            record.first_response_at = at
        body = payload if isinstance(payload, dict) else {}
        record.callbacks.append(
            CallbackRecord(body.get("type"), body.get("data"), at, status, False)
        )

    def violation(self, kind: str, message: str, **kw: Any) -> None:
        self.violations.append(Violation(kind, message, **kw))
