"""Channel and message REST routes (what `channel.send`, `message.edit`, ... call)."""

from __future__ import annotations

from aiohttp import web

from .models import MANAGE_MESSAGES
from .records import MessageRecord
from .rest import API, files_of, ok, payload_of, state_of
from .state import FakeState
from .validation import DiscordError, validate_message

routes = web.RouteTableDef()
CHANNEL = API + "/channels/{channel_id:\\d+}"
MESSAGE = CHANNEL + "/messages/{message_id:\\d+}"


def _channel_id(request: web.Request) -> int:
    return int(request.match_info["channel_id"])


def _message(state: FakeState, request: web.Request) -> MessageRecord:
    record = state.messages.get(int(request.match_info["message_id"]))
    if record is None or record.deleted or record.channel_id != _channel_id(request):
        raise DiscordError(404, 10008, "Unknown Message")
    if record.ephemeral:  # ephemeral messages are not reachable through channel routes
        raise DiscordError(404, 10008, "Unknown Message")
    return record


@routes.get(CHANNEL)
async def get_channel(request: web.Request) -> web.Response:
    state = state_of(request)
    return ok(state.channel_payload(state.bot_channel(_channel_id(request), send=False)))


@routes.get(CHANNEL + "/messages")
async def get_messages(request: web.Request) -> web.Response:
    state = state_of(request)
    channel = state.bot_channel(_channel_id(request), send=False)
    limit = min(int(request.query.get("limit", 50)), 100)
    before = int(request.query.get("before", 0)) or None
    after = int(request.query.get("after", 0)) or None
    found = [m for m in state.visible_messages(channel.id) if not m.ephemeral]
    if before:
        found = [m for m in found if m.id < before]
    if after:
        found = [m for m in found if m.id > after][:limit]
    return ok([m.data for m in sorted(found, key=lambda m: m.id, reverse=True)[:limit]])


@routes.post(CHANNEL + "/messages")
async def create_message(request: web.Request) -> web.Response:
    state = state_of(request)
    channel = state.bot_channel(_channel_id(request), send=True)
    payload, files = payload_of(request), files_of(request)
    validate_message(payload, edit=False, has_files=bool(files))
    if int(payload.get("flags") or 0) & (1 << 6):
        state.violation("ephemeral_channel_message", "EPHEMERAL flag on a channel message")
    nonce = payload.get("nonce") if payload.get("enforce_nonce") else None
    same = [
        m for m in state.visible_messages(channel.id) if nonce and m.payload.get("nonce") == nonce
    ]
    if same and same[0].author_id == state.bot.id:
        # Discord: with enforce_nonce, a nonce seen in the last few minutes returns that message
        return ok(same[0].data)
    record = state.create_message(channel, state.bot, payload, files=files)
    await state.echo("MESSAGE_CREATE", record)
    return ok(record.data)


@routes.get(MESSAGE)
async def get_message(request: web.Request) -> web.Response:
    state = state_of(request)
    state.bot_channel(_channel_id(request), send=False)
    return ok(_message(state, request).data)


@routes.patch(MESSAGE)
async def edit_message(request: web.Request) -> web.Response:
    state = state_of(request)
    state.bot_channel(_channel_id(request), send=False)
    record = _message(state, request)
    if record.author_id != state.bot.id:
        raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
    payload, files = payload_of(request), files_of(request)
    validate_message(payload, edit=True, has_files=bool(files))
    state.edit_message(record, payload, files)
    await state.echo("MESSAGE_UPDATE", record)
    return ok(record.data)


@routes.delete(MESSAGE)
async def delete_message(request: web.Request) -> web.Response:
    state = state_of(request)
    channel = state.bot_channel(_channel_id(request), send=False)
    record = _message(state, request)
    if record.author_id != state.bot.id and not (
        state.permissions(state.bot.id, channel) & MANAGE_MESSAGES
    ):
        raise DiscordError(403, 50013, "Missing Permissions")
    state.delete_message(record)
    await state.echo("MESSAGE_DELETE", record)
    return ok()


@routes.post(CHANNEL + "/typing")
async def typing(request: web.Request) -> web.Response:
    state = state_of(request)
    state.typing.append(state.bot_channel(_channel_id(request), send=True).id)
    return ok()


@routes.put(MESSAGE + "/reactions/{emoji}/@me")
@routes.delete(MESSAGE + "/reactions/{emoji}/@me")
async def own_reaction(request: web.Request) -> web.Response:
    state = state_of(request)
    state.bot_channel(_channel_id(request), send=False)
    record = _message(state, request)
    op = "add" if request.method == "PUT" else "remove"
    state.reactions.append((op, record.channel_id, record.id, request.match_info["emoji"]))
    return ok()


@routes.post(API + "/users/@me/channels")
async def create_dm(request: web.Request) -> web.Response:
    state = state_of(request)
    user = state.find_user(int(payload_of(request).get("recipient_id") or 0))
    if user is None:
        raise DiscordError(400, 50033, "Invalid Recipient(s)")
    return ok(state.channel_payload(state.dm_channel(user)))


@routes.get("/attachments/{message_id:\\d+}/{filename}")
async def attachment(request: web.Request) -> web.Response:
    """The CDN stand-in: attachment URLs of stored messages point here."""
    record = state_of(request).messages.get(int(request.match_info["message_id"]))
    for f in record.files if record else []:
        if f.filename == request.match_info["filename"]:
            return web.Response(body=f.data, content_type=f.content_type)
    return web.Response(status=404)


@routes.get("/ephemeral-attachments/{attachment_id:\\d+}/{filename}")
async def uploaded(request: web.Request) -> web.Response:
    """The CDN stand-in for files given to an attachment option of a slash command (found by
    id: the name in the URL is a quoted copy, which may not survive URL normalization)."""
    f = state_of(request).uploads.get(int(request.match_info["attachment_id"]))
    if f is None:
        return web.Response(status=404)
    return web.Response(body=f.data, content_type=f.content_type)
