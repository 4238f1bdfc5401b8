"""Message storage semantics: creation, replies, attachments, mentions/pings, edits, echo."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .models import ChannelSpec, UserSpec, iso_now
from .records import EPHEMERAL, LOADING, FileRecord, InteractionRecord, MessageRecord
from .validation import DiscordError, FormErrors

if TYPE_CHECKING:
    from .gateway import Gateway
    from .models import GuildSpec, Snowflakes
    from .records import Notifier

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EDITABLE = ("content", "embeds", "components", "poll")


class MessagesMixin:
    """Mixed into FakeState; relies on its lookups (guild_of, member, member_payload, user)."""

    ids: Snowflakes
    notifier: Notifier
    gateway: Gateway | None
    echo_bot_messages: bool
    application_id: int
    http_base: str
    users: dict[int, UserSpec]
    guilds: dict[int, GuildSpec]
    messages: dict[int, MessageRecord]
    channel_messages: dict[int, list[MessageRecord]]
    guild_of: Any
    member: Any
    member_payload: Any
    user: Any

    def create_message(
        self,
        channel: ChannelSpec,
        author: UserSpec,
        payload: dict[str, Any],
        *,
        source: str = "channel",
        interaction: InteractionRecord | None = None,
        files: list[FileRecord] | None = None,
        flags: int | None = None,
    ) -> MessageRecord:
        guild = self.guild_of(channel)
        mid = self.ids.next()
        data: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": payload.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts")),
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "attachments": [],
            "pinned": False,
            "type": 0,
            "flags": int(payload.get("flags") or 0) if flags is None else flags,
        }
        if guild is not None:
            data["guild_id"] = str(guild.id)
            if self.member(guild, author.id) is not None:
                data["member"] = self.member_payload(guild, author, with_user=False)
        if interaction is not None:
            data["webhook_id"] = str(self.application_id)
            data["application_id"] = str(self.application_id)
            data["type"] = 20 if interaction.type == 2 else 0
            data["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": self.user(interaction.user_id).payload(),
                "authorizing_integration_owners": {},
            }
        record = MessageRecord(
            id=mid,
            channel_id=channel.id,
            guild_id=guild.id if guild else None,
            author_id=author.id,
            data=data,
            payload=payload,
            source=source,
            interaction_id=interaction.id if interaction else None,
            files=files or [],
        )
        self._set_reference(record, payload.get("message_reference"))
        self._set_attachments(record, record.files)
        self._apply_mentions(record, payload)
        self.messages[mid] = record
        self.channel_messages.setdefault(channel.id, []).append(record)
        self.notifier.notify()
        return record

    def _set_reference(self, record: MessageRecord, ref: dict[str, Any] | None) -> None:
        if not ref:
            return
        target = self.messages.get(int(ref.get("message_id") or 0))
        if target is None or target.channel_id != record.channel_id or target.deleted:
            if ref.get("fail_if_not_exists", True):
                errors = FormErrors()
                errors.add("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown")
                errors.raise_if_any()
            return
        record.data["type"] = 19
        record.data["message_reference"] = {
            "type": 0,
            "message_id": str(target.id),
            "channel_id": str(target.channel_id),
            **({"guild_id": str(target.guild_id)} if target.guild_id else {}),
        }
        record.data["referenced_message"] = dict(target.data)

    def _set_attachments(self, record: MessageRecord, files: list[FileRecord]) -> None:
        record.data["attachments"] = [
            {
                "id": str(self.ids.next()),
                "filename": f.filename,
                "size": len(f.data),
                "url": f"{self.http_base}/attachments/{record.id}/{f.filename}",
                "proxy_url": f"{self.http_base}/attachments/{record.id}/{f.filename}",
                "content_type": f.content_type,
            }
            for f in files
        ]

    def _apply_mentions(self, record: MessageRecord, payload: dict[str, Any]) -> None:
        """Compute who gets pinged, honouring allowed_mentions like Discord does."""
        content = record.content
        users = {int(x) for x in _USER_MENTION.findall(content) if int(x) in self.users}
        guild = self.guilds.get(record.guild_id or 0)
        role_ids = {r.id for r in guild.roles} if guild else set()
        roles = {int(x) for x in _ROLE_MENTION.findall(content) if int(x) in role_ids}
        everyone = "@everyone" in content or "@here" in content
        am = payload.get("allowed_mentions")
        reply_ping = am is None or bool(am.get("replied_user"))
        if am is not None:
            parse = set(am.get("parse") or [])
            if "users" not in parse:
                users &= {int(x) for x in am.get("users") or []}
            if "roles" not in parse:
                roles &= {int(x) for x in am.get("roles") or []}
            everyone = everyone and "everyone" in parse
        ref = record.data.get("referenced_message")
        if ref and reply_ping:
            users.add(int(ref["author"]["id"]))
        record.pinged_users |= users
        record.pinged_roles |= roles
        record.pinged_everyone = record.pinged_everyone or everyone
        record.data["mentions"] = [self.users[u].payload() for u in sorted(record.pinged_users)]
        record.data["mention_roles"] = [str(r) for r in sorted(record.pinged_roles)]
        record.data["mention_everyone"] = record.pinged_everyone

    def edit_message(
        self, record: MessageRecord, payload: dict[str, Any], files: list[FileRecord] | None = None
    ) -> MessageRecord:
        if record.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        for key in _EDITABLE:
            if key in payload:
                record.data[key] = payload[key] if payload[key] is not None else None
        if record.data.get("content") is None:
            record.data["content"] = ""
        if payload.get("flags") is not None:  # ephemeral-ness cannot change on edit
            record.data["flags"] = int(payload["flags"]) | (record.flags & EPHEMERAL)
        record.data["flags"] = record.flags & ~LOADING
        if files:
            record.files.extend(files)
            self._set_attachments(record, record.files)
        elif payload.get("attachments") == []:
            record.files.clear()
            record.data["attachments"] = []
        record.data["edited_timestamp"] = iso_now()
        record.edits.append(payload)
        self._apply_mentions(record, payload)
        self.notifier.notify()
        return record

    def delete_message(self, record: MessageRecord) -> None:
        record.deleted = True
        self.notifier.notify()

    def visible_messages(self, channel_id: int) -> list[MessageRecord]:
        return [m for m in self.channel_messages.get(channel_id, []) if not m.deleted]

    async def echo(self, event: str, record: MessageRecord) -> None:
        """Mirror a bot-made change to the gateway, like Discord (never for ephemeral)."""
        if not self.echo_bot_messages or record.ephemeral or self.gateway is None:
            return
        if event == "MESSAGE_DELETE":
            data: dict[str, Any] = {"id": str(record.id), "channel_id": str(record.channel_id)}
            if record.guild_id:
                data["guild_id"] = str(record.guild_id)
        else:
            data = dict(record.data)
        await self.gateway.dispatch(event, data)
