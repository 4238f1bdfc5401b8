"""Application command registration routes and building interaction `data` from them."""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from aiohttp import web

from .models import ADMINISTRATOR, ChannelSpec, GuildSpec, RoleSpec, UserSpec
from .records import FileRecord
from .rest import API, PAYLOAD, ok, payload_of, state_of
from .state import FakeState
from .validation import DiscordError, validate_commands

routes = web.RouteTableDef()
GLOBAL = API + "/applications/{app_id:\\d+}/commands"
GUILD = API + "/applications/{app_id:\\d+}/guilds/{guild_id:\\d+}/commands"
_INFER = {str: 3, int: 4, bool: 5, float: 10, UserSpec: 6, ChannelSpec: 7, RoleSpec: 8}


class UsageError(AssertionError):
    """The test asked for something a real Discord client could not do."""


def _scope(request: web.Request) -> int | None:
    state = state_of(request)
    if int(request.match_info["app_id"]) != state.application_id:
        raise DiscordError(403, 20012, "You are not authorized to perform this action")
    if "guild_id" not in request.match_info:
        return None
    guild_id = int(request.match_info["guild_id"])
    if guild_id not in state.guilds:
        raise DiscordError(403, 50001, "Missing Access")
    return guild_id


def _stored(state: FakeState, scope: int | None, cmd: dict[str, Any]) -> dict[str, Any]:
    kind = cmd.get("type", 1)
    cid = state.command_ids.setdefault((scope, cmd["name"], kind), state.ids.next())
    out = {
        "id": str(cid),
        "application_id": str(state.application_id),
        "version": str(state.ids.next()),
        "type": kind,
        "name": cmd["name"],
        "name_localizations": cmd.get("name_localizations"),
        "description": cmd.get("description", ""),
        "description_localizations": cmd.get("description_localizations"),
        "options": cmd.get("options") or [],
        "default_member_permissions": cmd.get("default_member_permissions"),
        "dm_permission": cmd.get("dm_permission", True),
        "nsfw": cmd.get("nsfw", False),
        "contexts": cmd.get("contexts"),
        "integration_types": cmd.get("integration_types") or [0],
    }
    if scope is not None:
        out["guild_id"] = str(scope)
    return out


@routes.get(GLOBAL)
@routes.get(GUILD)
async def list_commands(request: web.Request) -> web.Response:
    return ok(state_of(request).commands.get(_scope(request), []))


@routes.put(GLOBAL)
@routes.put(GUILD)
async def bulk_overwrite(request: web.Request) -> web.Response:
    state, scope = state_of(request), _scope(request)
    payload = request.get(PAYLOAD)
    payload = [] if payload is None else payload
    validate_commands(payload)
    state.commands[scope] = [_stored(state, scope, c) for c in payload]
    state.sync_log.append((scope, payload))
    return ok(state.commands[scope])


@routes.post(GLOBAL)
@routes.post(GUILD)
async def upsert(request: web.Request) -> web.Response:
    state, scope = state_of(request), _scope(request)
    cmd = payload_of(request)
    validate_commands([cmd])
    stored = _stored(state, scope, cmd)
    others = [c for c in state.commands.get(scope, []) if c["id"] != stored["id"]]
    state.commands[scope] = [*others, stored]
    return ok(stored, status=201)


@routes.delete(GLOBAL + "/{command_id:\\d+}")
@routes.delete(GUILD + "/{command_id:\\d+}")
async def delete_command(request: web.Request) -> web.Response:
    state, scope = state_of(request), _scope(request)
    cid = request.match_info["command_id"]
    state.commands[scope] = [c for c in state.commands.get(scope, []) if c["id"] != cid]
    return ok()


# -- building interaction data --------------------------------------------------------------
def find_command(state: FakeState, guild_id: int | None, name: str) -> dict[str, Any] | None:
    for scope in [guild_id, None] if guild_id is not None else [None]:
        for cmd in state.commands.get(scope, []):
            if cmd["name"] == name and cmd.get("type", 1) == 1:
                return cmd
    return None


def check_visible(
    state: FakeState, cmd: dict[str, Any], channel: ChannelSpec, user: UserSpec
) -> None:
    """Discord hides commands whose default_member_permissions the user lacks."""
    raw = cmd.get("default_member_permissions")
    if raw is None or state.guild_of(channel) is None:
        return
    need, perms = int(raw), state.permissions(user.id, channel)
    allowed = bool(perms & ADMINISTRATOR) if need == 0 else (perms & need) == need
    if not allowed:
        raise UsageError(
            f"{user.name} cannot see /{cmd['name']} (default_member_permissions={raw}); "
            "pass enforce_permissions=False to send it anyway"
        )


def build_command_data(
    state: FakeState,
    path: str,
    options: dict[str, Any],
    *,
    channel: ChannelSpec,
    user: UserSpec,
    focused: str | None = None,
    raw_options: list[dict[str, Any]] | None = None,
    require_synced: bool = True,
    enforce_permissions: bool = True,
) -> dict[str, Any]:
    """Build INTERACTION_CREATE `data` for `/path sub ...` using the synced definition."""
    guild = state.guild_of(channel)
    parts = path.strip().lstrip("/").split()
    cmd = find_command(state, guild.id if guild else None, parts[0])
    if cmd is None and require_synced:
        known = sorted({c["name"] for cmds in state.commands.values() for c in cmds})
        raise UsageError(f"/{parts[0]} was never synced (registered: {known})")
    if cmd is not None and enforce_permissions:
        check_visible(state, cmd, channel, user)
    cid = cmd["id"] if cmd else str(state.ids.next())
    data: dict[str, Any] = {"id": cid, "name": parts[0], "type": 1}
    if cmd and cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    defs: list[dict[str, Any]] | None = (cmd.get("options") or []) if cmd else None
    container = data
    for sub in parts[1:]:
        found = next((o for o in defs or [] if o["name"] == sub and o["type"] in (1, 2)), None)
        if found is None and defs is not None:
            raise UsageError(f"/{path}: no subcommand or group {sub!r}")
        node: dict[str, Any] = {"type": found["type"] if found else 1, "name": sub}
        container.setdefault("options", []).append(node)
        container = node
        defs = (found.get("options") or []) if found else None
    if defs and any(o["type"] in (1, 2) for o in defs):
        raise UsageError(f"/{path} needs a subcommand")
    resolved: dict[str, dict[str, Any]] = {}
    if raw_options is not None:
        leaf = raw_options
    else:
        ctx = _Ctx(state, guild, channel, user, resolved)
        leaf = [ctx.option(defs, k, v, focused == k) for k, v in options.items()]
        if focused is not None and focused not in options:
            raise UsageError(f"focused option {focused!r} missing from options")
        missing = [o["name"] for o in defs or [] if o.get("required") and o["name"] not in options]
        if missing and focused is None:
            raise UsageError(f"/{path}: missing required options {missing}")
    container["options"] = leaf
    if resolved:
        data["resolved"] = resolved
    return data


class _Ctx:
    def __init__(
        self,
        state: FakeState,
        guild: GuildSpec | None,
        channel: ChannelSpec,
        user: UserSpec,
        resolved: dict[str, dict[str, Any]],
    ) -> None:
        self.state: FakeState = state
        self.guild: GuildSpec | None = guild
        self.channel: ChannelSpec = channel
        self.user: UserSpec = user
        self.resolved: dict[str, dict[str, Any]] = resolved

    def option(
        self, defs: list[dict[str, Any]] | None, name: str, value: Any, focused: bool
    ) -> dict[str, Any]:
        spec = next((o for o in defs or [] if o["name"] == name), None)
        if spec is None and defs is not None:
            raise UsageError(f"unknown option {name!r} (known: {[o['name'] for o in defs]})")
        kind = spec["type"] if spec else _INFER.get(type(value), 3)
        if focused:
            return {"type": kind, "name": name, "value": str(value), "focused": True}
        converted = self.convert(kind, value, spec or {})
        choices = (spec or {}).get("choices")
        free_text = (spec or {}).get("autocomplete")
        if choices and not free_text and converted not in [c["value"] for c in choices]:
            raise UsageError(f"{name}={converted!r} is not one of the choices {choices}")
        return {"type": kind, "name": name, "value": converted}

    def convert(self, kind: int, value: Any, spec: dict[str, Any]) -> Any:
        if kind == 3:
            return str(value)
        if kind == 4:
            return int(value)
        if kind == 5:
            return bool(value)
        if kind == 10:
            return float(value)
        if kind in (6, 9) and self.state.find_user(value) is not None:
            return self._user(self.state.user(value))
        if kind in (8, 9) and self.guild is not None:
            return self._role(value)
        if kind == 7:
            return self._channel(self.state.channel(value, self.guild), spec)
        if kind == 11:
            return self._attachment(value)
        raise UsageError(f"cannot build an option of type {kind} from {value!r}")

    def _user(self, user: UserSpec) -> str:
        self.resolved.setdefault("users", {})[str(user.id)] = user.payload()
        if self.guild is not None and self.state.member(self.guild, user.id) is not None:
            perms = self.state.permissions(user.id, self.channel)
            member = self.state.member_payload(self.guild, user, with_user=False, permissions=perms)
            self.resolved.setdefault("members", {})[str(user.id)] = member
        return str(user.id)

    def _role(self, value: Any) -> str:
        assert self.guild is not None
        role = value if isinstance(value, RoleSpec) else None
        if role is None:
            roles = [self.guild.everyone, *self.guild.roles]
            role = next((r for r in roles if r and value in (r.id, r.name)), None)
        if role is None:
            raise UsageError(f"unknown role {value!r}")
        self.resolved.setdefault("roles", {})[str(role.id)] = role.payload()
        return str(role.id)

    def _attachment(self, value: Any) -> str:
        """An uploaded file, (filename, bytes): resolved with a CDN-like URL the fake serves."""
        if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes)):
            raise UsageError(f"an attachment option takes (filename, bytes), not {value!r}")
        filename, data = value
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        aid = self.state.ids.next()
        self.state.uploads[aid] = FileRecord(filename, content_type, data)
        shown = quote(filename.replace("/", "_").replace("\\", "_"), safe="")
        url = f"{self.state.http_base}/ephemeral-attachments/{aid}/{shown}"
        self.resolved.setdefault("attachments", {})[str(aid)] = {
            "id": str(aid),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
            "ephemeral": True,
        }
        return str(aid)

    def _channel(self, channel: ChannelSpec, spec: dict[str, Any]) -> str:
        allowed = spec.get("channel_types")
        if allowed and channel.type not in allowed:
            raise UsageError(f"channel {channel.name} (type {channel.type}) not in {allowed}")
        payload = self.state.channel_payload(channel)
        payload["permissions"] = str(self.state.permissions(self.user.id, channel))
        self.resolved.setdefault("channels", {})[str(channel.id)] = payload
        return str(channel.id)
