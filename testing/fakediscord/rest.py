"""The fake REST API: app/middleware, request recording, faults, auth, misc routes."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .payloads import guild_create_payload
from .records import FileRecord, RequestRecord
from .validation import DiscordError

if TYPE_CHECKING:
    from .gateway import Gateway
    from .models import GuildSpec
    from .state import FakeState

API = "/api/v10"
STATE_KEY: web.AppKey[FakeState] = web.AppKey("state")
GATEWAY_KEY: web.AppKey[Gateway] = web.AppKey("gateway")
# typed per-request keys on aiohttp >= 3.12, plain strings before
_RequestKey = getattr(web, "RequestKey", None)
PAYLOAD: Any = _RequestKey("payload", object) if _RequestKey else "payload"
FILES: Any = _RequestKey("files", list) if _RequestKey else "files"
_DEFAULT_FAULT_BODIES = {
    403: (50013, "Missing Permissions"),
    404: (10003, "Unknown Channel"),
    500: (0, "500: Internal Server Error"),
    502: (0, "502: Bad Gateway"),
}


def state_of(request: web.Request) -> FakeState:
    return request.app[STATE_KEY]


def payload_of(request: web.Request) -> dict[str, Any]:
    return request.get(PAYLOAD) or {}


def files_of(request: web.Request) -> list[FileRecord]:
    return request.get(FILES) or []


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON with a bare `application/json` content type: discord.py's json_or_text compares the
    header for equality, so aiohttp's default `application/json; charset=utf-8` reads as text."""
    body = json.dumps(data).encode()
    return web.Response(body=body, status=status, headers=headers, content_type="application/json")


def ok(data: Any = None, status: int = 200) -> web.Response:
    if data is None:
        return web.Response(status=204)
    return json_response(data, status=status)


async def _read_body(request: web.Request) -> None:
    """Parse JSON or multipart/form-data (payload_json + files[n]) into request['payload']."""
    request[PAYLOAD], request[FILES] = None, []
    if not request.can_read_body:
        return
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files: list[FileRecord] = []
        for name, value in form.items():
            if name == "payload_json":
                request[PAYLOAD] = json.loads(str(value))
            elif isinstance(value, web.FileField):
                files.append(FileRecord(value.filename, value.content_type, value.file.read()))
        request[FILES] = files
    else:
        raw = await request.read()
        if raw:
            request[PAYLOAD] = json.loads(raw)


def _needs_bot_auth(method: str, path: str) -> bool:
    parts = path.strip("/").split("/")
    if parts[0] == "interactions" or path == "/gateway":
        return False
    return not (parts[0] == "webhooks" and len(parts) >= 3)


def _fault_response(fault: Any) -> web.Response:
    if fault.status == 429:
        headers = {
            "Retry-After": str(math.ceil(fault.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(fault.retry_after),
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
            "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
            "code": 0,
        }
        return json_response(body, status=429, headers=headers)
    code, message = _DEFAULT_FAULT_BODIES.get(fault.status, (0, f"{fault.status}: Error"))
    body = {"message": fault.message or message, "code": fault.code or code}
    return json_response(body, status=fault.status)


@web.middleware
async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    if not request.path.startswith("/api/"):
        response: web.StreamResponse = await handler(request)
        return response
    state = state_of(request)
    rel = request.path[len(API) :] if request.path.startswith(API) else request.path
    await _read_body(request)
    record = RequestRecord(request.method, rel, dict(request.query), request[PAYLOAD])
    state.requests.append(record)
    try:
        fault = state.take_fault(request.method, rel)
        if fault is not None:
            if fault.after:
                await handler(request)
            response = _fault_response(fault)
            state.note_fault(rel, request[PAYLOAD], fault.status)
        elif _needs_bot_auth(request.method, rel) and (
            request.headers.get("Authorization") != f"Bot {state.token}"
        ):
            response = json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        else:
            response = await handler(request)
    except DiscordError as exc:
        if exc.violation:
            state.violation(exc.violation, exc.message, method=request.method, path=rel,
                            payload=request[PAYLOAD])  # fmt: skip
        response = json_response(exc.body(), status=exc.status)
    record.status = response.status
    state.notifier.notify()
    return response


# -- misc routes ------------------------------------------------------------------------------
routes = web.RouteTableDef()


@routes.get(API + "/users/@me")
async def get_me(request: web.Request) -> web.Response:
    state = state_of(request)
    return ok({**state.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0})


@routes.get(API + "/users/{user_id:\\d+}")
async def get_user(request: web.Request) -> web.Response:
    user = state_of(request).find_user(int(request.match_info["user_id"]))
    if user is None:
        raise DiscordError(404, 10013, "Unknown User")
    return ok(user.payload())


def _app_info(state: FakeState) -> dict[str, Any]:
    owner = next((u for u in state.users.values() if not u.bot), state.bot)
    return {
        "id": str(state.application_id),
        "name": state.bot.name,
        "icon": None,
        "description": "fake application",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner.payload(),
        "verify_key": "0" * 64,
        "team": None,
        "flags": 0,
        "bot": state.bot.payload(),
        "interactions_endpoint_url": None,
        "redirect_uris": [],
    }


@routes.get(API + "/oauth2/applications/@me")
@routes.get(API + "/applications/@me")
async def get_application(request: web.Request) -> web.Response:
    return ok(_app_info(state_of(request)))


@routes.get(API + "/gateway")
async def get_gateway(request: web.Request) -> web.Response:
    return ok({"url": request.app[GATEWAY_KEY].base_url})


@routes.get(API + "/gateway/bot")
async def get_gateway_bot(request: web.Request) -> web.Response:
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    gateway = request.app[GATEWAY_KEY]
    return ok(
        {"url": gateway.base_url, "shards": gateway.shard_count, "session_start_limit": limit}
    )


def _guild(request: web.Request) -> GuildSpec:
    guild = state_of(request).guilds.get(int(request.match_info["guild_id"]))
    if guild is None:
        raise DiscordError(404, 10004, "Unknown Guild")
    return guild


@routes.get(API + "/guilds/{guild_id:\\d+}")
async def get_guild(request: web.Request) -> web.Response:
    state = state_of(request)
    data = guild_create_payload(_guild(request), state.users)
    for key in ("channels", "members", "threads", "presences", "voice_states", "joined_at"):
        data.pop(key, None)
    return ok(data)


@routes.get(API + "/guilds/{guild_id:\\d+}/channels")
async def get_guild_channels(request: web.Request) -> web.Response:
    state, guild = state_of(request), _guild(request)
    return ok([state.channel_payload(c) for c in guild.channels if not c.deleted])


@routes.get(API + "/guilds/{guild_id:\\d+}/roles")
async def get_guild_roles(request: web.Request) -> web.Response:
    guild = _guild(request)
    assert guild.everyone is not None
    return ok([guild.everyone.payload()] + [r.payload() for r in guild.roles])


@routes.get(API + "/guilds/{guild_id:\\d+}/members/{user_id:\\d+}")
async def get_member(request: web.Request) -> web.Response:
    state, guild = state_of(request), _guild(request)
    user = state.find_user(int(request.match_info["user_id"]))
    if user is None or state.member(guild, user.id) is None:
        raise DiscordError(404, 10007, "Unknown Member")
    return ok(state.member_payload(guild, user))


async def unknown_route(request: web.Request) -> web.Response:
    state = state_of(request)
    if request.path.startswith("/api/"):
        record = state.requests[-1]  # appended by the middleware just before this handler
    else:
        record = RequestRecord(request.method, request.path, dict(request.query))
    state.unknown_requests.append(record)
    return json_response({"message": "404: Not Found", "code": 0}, status=404)
