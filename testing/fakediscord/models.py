"""Guild/user/channel specs for the fake Discord and their wire payloads.

Specs are plain dataclasses a test may build; ids are filled in by the fake when 0.
Payload shapes follow the Discord API v10 objects discord.py parses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 53) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | READ_MESSAGE_HISTORY
    | EMBED_LINKS
    | ATTACH_FILES
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS

# Channel types
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4

JOINED_AT = "2024-01-01T00:00:00.000000+00:00"


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


class Snowflakes:
    """Monotonic, realistic snowflakes (timestamp in the top bits)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


@dataclass(eq=False)
class UserSpec:
    name: str
    bot: bool = False
    id: int = 0
    global_name: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(eq=False)
class RoleSpec:
    name: str
    permissions: int = 0
    id: int = 0
    managed: bool = False
    position: int = 1

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": True,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass(eq=False)
class Overwrite:
    """A channel permission overwrite; target is a role name, '@everyone' or a user name."""

    target: str
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class ChannelSpec:
    name: str
    type: int = GUILD_TEXT
    id: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    topic: str | None = None
    position: int = 0
    guild_id: int | None = None
    recipient_id: int | None = None  # DM channels
    deleted: bool = False
    forbidden: bool = False


@dataclass(eq=False)
class MemberSpec:
    user: str
    roles: list[str] = field(default_factory=list)
    nick: str | None = None


@dataclass(eq=False)
class GuildSpec:
    name: str = "Test Guild"
    channels: list[ChannelSpec] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)
    members: list[MemberSpec] = field(default_factory=list)
    owner: str | None = None
    everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS
    id: int = 0
    owner_id: int = 0
    everyone: RoleSpec | None = None

    def role(self, name: str) -> RoleSpec:
        if name in ("@everyone", "everyone") and self.everyone is not None:
            return self.everyone
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(f"no role {name!r} in guild {self.name!r}")

    def member(self, user_id: int, users: dict[int, UserSpec]) -> MemberSpec | None:
        for member in self.members:
            user = find_user(users, member.user)
            if user is not None and user.id == user_id:
                return member
        return None


def default_users() -> list[UserSpec]:
    return [
        UserSpec("alice", global_name="Alice"),
        UserSpec("bob", global_name="Bob"),
        UserSpec("carol", global_name="Carol"),
        UserSpec("otherbot", bot=True),
    ]


def default_guild() -> GuildSpec:
    """One guild: alice owns it, bob has Manage Guild, carol is a plain member."""
    return GuildSpec(
        name="Test Guild",
        owner="alice",
        roles=[
            RoleSpec("admin", ADMINISTRATOR, position=3),
            RoleSpec("manager", MANAGE_GUILD, position=2),
        ],
        channels=[
            ChannelSpec("general", position=0),
            ChannelSpec("briefings", position=1, topic="Daily briefings"),
            ChannelSpec(
                "readonly", position=2, overwrites=[Overwrite("@everyone", deny=SEND_MESSAGES)]
            ),
        ],
        members=[
            MemberSpec("alice", ["admin"]),
            MemberSpec("bob", ["manager"]),
            MemberSpec("carol"),
            MemberSpec("otherbot"),
        ],
    )


def find_user(users: dict[int, UserSpec], name: str) -> UserSpec | None:
    for user in users.values():
        if user.name == name:
            return user
    return None


def member_role_ids(guild: GuildSpec, member: MemberSpec) -> list[int]:
    return [guild.role(name).id for name in member.roles]


def compute_permissions(
    guild: GuildSpec, user_id: int, member: MemberSpec | None, channel: ChannelSpec | None
) -> int:
    """Discord's permission algorithm: base (roles) then channel overwrites."""
    if user_id == guild.owner_id:
        return ALL_PERMISSIONS
    role_ids = member_role_ids(guild, member) if member else []
    perms = guild.everyone_permissions
    for rid in role_ids:
        perms |= next(r.permissions for r in guild.roles if r.id == rid)
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    if channel is None or channel.type == DM:
        return perms
    by_target = {_overwrite_target(guild, ow, member, user_id): ow for ow in channel.overwrites}
    everyone = by_target.get(("role", guild.id))
    if everyone:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for rid in role_ids:
        ow = by_target.get(("role", rid))
        if ow:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = by_target.get(("member", user_id))
    if own:
        perms = (perms & ~own.deny) | own.allow
    return perms


def _overwrite_target(
    guild: GuildSpec, ow: Overwrite, member: MemberSpec | None, user_id: int
) -> tuple[str, int]:
    if ow.target in ("@everyone", "everyone"):
        return ("role", guild.id)
    try:
        return ("role", guild.role(ow.target).id)
    except KeyError:
        pass
    if member is not None and member.user == ow.target:
        return ("member", user_id)
    return ("member", -1)
