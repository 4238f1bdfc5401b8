"""Wire payloads (Discord API v10 objects) for the fake's guilds, channels and members."""

from __future__ import annotations

from typing import Any

from .models import (
    DM,
    JOINED_AT,
    ChannelSpec,
    GuildSpec,
    MemberSpec,
    UserSpec,
    find_user,
    member_role_ids,
)


def overwrite_payloads(
    guild: GuildSpec, channel: ChannelSpec, users: dict[int, UserSpec]
) -> list[dict[str, Any]]:
    out = []
    for ow in channel.overwrites:
        if ow.target in ("@everyone", "everyone"):
            target, kind = guild.id, 0
        elif any(r.name == ow.target for r in guild.roles):
            target, kind = guild.role(ow.target).id, 0
        else:
            user = find_user(users, ow.target)
            if user is None:
                continue
            target, kind = user.id, 1
        out.append({"id": str(target), "type": kind, "allow": str(ow.allow), "deny": str(ow.deny)})
    return out


def channel_payload(
    channel: ChannelSpec, guild: GuildSpec | None, users: dict[int, UserSpec]
) -> dict[str, Any]:
    if channel.type == DM:
        recipient = users.get(channel.recipient_id or 0)
        return {
            "id": str(channel.id),
            "type": DM,
            "last_message_id": None,
            "recipients": [recipient.payload()] if recipient else [],
            "flags": 0,
        }
    assert guild is not None
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(guild.id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": overwrite_payloads(guild, channel, users),
        "topic": channel.topic,
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }


def member_payload(
    guild: GuildSpec,
    member: MemberSpec,
    user: UserSpec,
    *,
    with_user: bool = True,
    permissions: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [str(rid) for rid in member_role_ids(guild, member)],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": JOINED_AT,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user.payload()
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def guild_create_payload(guild: GuildSpec, users: dict[int, UserSpec]) -> dict[str, Any]:
    members = []
    for member in guild.members:
        user = find_user(users, member.user)
        if user is not None:
            members.append(member_payload(guild, member, user))
    everyone = guild.everyone
    assert everyone is not None
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "owner_id": str(guild.owner_id),
        "unavailable": False,
        "large": False,
        "member_count": len(members),
        "joined_at": JOINED_AT,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "features": [],
        "system_channel_id": None,
        "system_channel_flags": 0,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "roles": [everyone.payload()] + [r.payload() for r in guild.roles],
        "emojis": [],
        "stickers": [],
        "channels": [channel_payload(c, guild, users) for c in guild.channels if not c.deleted],
        "threads": [],
        "members": members,
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }
