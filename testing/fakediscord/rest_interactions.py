"""Interaction callbacks and the interaction webhook (follow-ups, @original edits)."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from .records import EPHEMERAL, LOADING, CallbackRecord, InteractionRecord, MessageRecord
from .rest import API, files_of, ok, payload_of, state_of
from .state import FakeState
from .validation import DiscordError, FormErrors, validate_choices, validate_message

routes = web.RouteTableDef()
WEBHOOK = API + "/webhooks/{app_id:\\d+}/{token}"
# interaction type -> callback types Discord accepts for it
_ALLOWED = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}


def _invalid_type(kind: Any, itype: int) -> DiscordError:
    errors = FormErrors()
    errors.add("type", "INTERACTION_RESPONSE_TYPE_INVALID", f"{kind} invalid for {itype}")
    return DiscordError(
        400, 50035, "Invalid Form Body", errors.nested(), f"callback type {kind} for {itype}"
    )


@routes.post(API + "/interactions/{interaction_id:\\d+}/{token}/callback")
async def callback(request: web.Request) -> web.Response:
    at = time.perf_counter()
    state = state_of(request)
    record = state.interactions.get(int(request.match_info["interaction_id"]))
    if record is None or record.token != request.match_info["token"]:
        raise DiscordError(404, 10062, "Unknown interaction", violation="unknown interaction")
    if record.first_response_at is None:
        record.first_response_at = at
    payload = payload_of(request)
    kind = payload.get("type")
    cb = CallbackRecord(kind, payload.get("data"), at, 0, False)
    record.callbacks.append(cb)
    try:
        message = await _respond(state, record, kind, payload.get("data") or {}, request, at)
    except DiscordError as exc:
        cb.status = exc.status
        raise
    cb.accepted = True
    if request.query.get("with_response") not in ("1", "true", "True"):
        cb.status = 204
        return ok()
    cb.status = 200
    body: dict[str, Any] = {
        "interaction": {
            "id": str(record.id),
            "type": record.type,
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and message.ephemeral),
        },
        "resource": {"type": kind},
    }
    if message is not None and kind in (4, 7):
        body["resource"]["message"] = message.data
    return ok(body)


async def _respond(
    state: FakeState,
    record: InteractionRecord,
    kind: Any,
    data: dict[str, Any],
    request: web.Request,
    at: float,
) -> MessageRecord | None:
    if record.accepted_callback is not None:
        raise DiscordError(
            400, 40060, "Interaction has already been acknowledged.", violation="double ack"
        )
    if record.sent_at is not None and at - record.sent_at > state.interaction_timeout:
        raise DiscordError(404, 10062, "Unknown interaction", violation="late ack (> 3s)")
    if kind not in _ALLOWED.get(record.type, set()):
        raise _invalid_type(kind, record.type)
    channel = state.channels[record.channel_id]
    files = files_of(request)
    if kind == 4:
        validate_message(data, edit=False, has_files=bool(files))
        msg = state.create_message(
            channel, state.bot, data, source="interaction", interaction=record, files=files
        )
        record.original = msg
        await state.echo("MESSAGE_CREATE", msg)
        return msg
    if kind == 5:
        flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
        msg = state.create_message(
            channel, state.bot, {}, source="interaction", interaction=record, flags=flags
        )
        record.original = msg
        await state.echo("MESSAGE_CREATE", msg)
        return msg
    if kind in (6, 7):
        target = state.messages.get(record.component_message_id or 0)
        if target is None or target.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        record.original = target
        if kind == 7:
            validate_message(data, edit=True, has_files=bool(files))
            state.edit_message(target, data, files)
            record.edits.append(data)
            await state.echo("MESSAGE_UPDATE", target)
        return target
    if kind == 8:
        validate_choices(data)
    return None  # 8 autocomplete result, 9 modal (recorded in callbacks)


def _interaction(state: FakeState, request: web.Request) -> InteractionRecord:
    record = state.by_token.get(request.match_info["token"])
    if record is None or int(request.match_info["app_id"]) != state.application_id:
        raise DiscordError(404, 10015, "Unknown Webhook", violation="unknown webhook")
    if record.accepted_callback is None:
        raise DiscordError(
            404, 10015, "Unknown Webhook", violation="webhook used before the initial response"
        )
    return record


def _target(record: InteractionRecord, ref: str) -> MessageRecord:
    if ref == "@original":
        msg = record.original
    else:
        msg = next((m for m in record.messages if m.id == int(ref)), None)
    if msg is None or msg.deleted:
        raise DiscordError(404, 10008, "Unknown Message")
    return msg


@routes.post(WEBHOOK)
async def followup(request: web.Request) -> web.Response:
    state = state_of(request)
    record = _interaction(state, request)
    payload, files = payload_of(request), files_of(request)
    validate_message(payload, edit=False, has_files=bool(files))
    original = record.original
    if record.response_type == 5 and original is not None and original.loading:
        # Discord: the first follow-up after a deferred response *becomes* the original
        # message (keeping the defer's ephemeral-ness, whatever flags the follow-up asks for).
        state.edit_message(original, payload, files)
        record.followups.append(original)
        await state.echo("MESSAGE_UPDATE", original)
        msg = original
    else:
        channel = state.channels[record.channel_id]
        msg = state.create_message(
            channel, state.bot, payload, source="followup", interaction=record, files=files
        )
        record.followups.append(msg)
        await state.echo("MESSAGE_CREATE", msg)
    if request.query.get("wait") in ("1", "true", "True"):
        return ok(msg.data)
    return ok()


@routes.get(WEBHOOK + "/messages/{message_ref}")
async def get_webhook_message(request: web.Request) -> web.Response:
    state = state_of(request)
    return ok(_target(_interaction(state, request), request.match_info["message_ref"]).data)


@routes.patch(WEBHOOK + "/messages/{message_ref}")
async def edit_webhook_message(request: web.Request) -> web.Response:
    state = state_of(request)
    record = _interaction(state, request)
    msg = _target(record, request.match_info["message_ref"])
    payload, files = payload_of(request), files_of(request)
    validate_message(payload, edit=True, has_files=bool(files))
    state.edit_message(msg, payload, files)
    record.edits.append(payload)
    await state.echo("MESSAGE_UPDATE", msg)
    return ok(msg.data)


@routes.delete(WEBHOOK + "/messages/{message_ref}")
async def delete_webhook_message(request: web.Request) -> web.Response:
    state = state_of(request)
    msg = _target(_interaction(state, request), request.match_info["message_ref"])
    state.delete_message(msg)
    await state.echo("MESSAGE_DELETE", msg)
    return ok()
