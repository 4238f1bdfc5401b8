"""Cheap re-implementations of Discord's payload limits (Invalid Form Body, code 50035)."""

from __future__ import annotations

import re
from typing import Any

COMPONENTS_V2 = 1 << 15
_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


class DiscordError(Exception):
    """Raised inside route handlers; the middleware turns it into Discord's JSON error shape."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
        violation: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.violation = violation  # kind recorded in fake.violations when set

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


class FormErrors:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, path: str, code: str, message: str) -> None:
        self.items.append((path, code, message))

    def max_len(self, path: str, value: Any, limit: int) -> None:
        if value is not None and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def nested(self) -> dict[str, Any]:
        root: dict[str, Any] = {}
        for path, code, message in self.items:
            node = root
            for part in path.split("."):
                node = node.setdefault(part, {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return root

    def raise_if_any(self) -> None:
        if self.items:
            summary = "; ".join(f"{p}: {m}" for p, _, m in self.items)
            raise DiscordError(
                400, 50035, "Invalid Form Body", self.nested(), f"invalid: {summary}"
            )


def _embed_chars(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def validate_embeds(embeds: Any, errors: FormErrors) -> None:
    if not isinstance(embeds, list):
        errors.add("embeds", "LIST_TYPE_CONVERT", "Must be a list.")
        return
    if len(embeds) > 10:
        errors.add("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        p = f"embeds.{i}"
        errors.max_len(f"{p}.title", embed.get("title"), 256)
        errors.max_len(f"{p}.description", embed.get("description"), 4096)
        errors.max_len(f"{p}.footer.text", (embed.get("footer") or {}).get("text"), 2048)
        errors.max_len(f"{p}.author.name", (embed.get("author") or {}).get("name"), 256)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add(f"{p}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, f in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                if not f.get(key):
                    errors.add(
                        f"{p}.fields.{j}.{key}", "BASE_TYPE_REQUIRED", "This field is required"
                    )
                errors.max_len(f"{p}.fields.{j}.{key}", f.get(key), limit)
        total += _embed_chars(embed)
    if total > 6000:
        errors.add("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def validate_components(components: Any, flags: int, errors: FormErrors) -> None:
    if not isinstance(components, list):
        errors.add("components", "LIST_TYPE_CONVERT", "Must be a list.")
        return
    v2 = bool(flags & COMPONENTS_V2)
    if not v2 and len(components) > 5:
        errors.add("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    stack = [(f"components.{i}", c) for i, c in enumerate(components)]
    while stack:
        path, comp = stack.pop()
        kind = comp.get("type")
        children = comp.get("components") or []
        if kind == 1 and not v2 and len(children) > 5:
            errors.add(
                f"{path}.components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."
            )
        if kind == 2:
            errors.max_len(f"{path}.label", comp.get("label"), 80)
            if comp.get("style") == 5 and not comp.get("url"):
                errors.add(f"{path}.url", "BASE_TYPE_REQUIRED", "This field is required")
        if kind in (3, 5, 6, 7, 8) and len(comp.get("options") or []) > 25:
            errors.add(f"{path}.options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        custom_id = comp.get("custom_id")
        if custom_id is not None:
            errors.max_len(f"{path}.custom_id", custom_id, 100)
            if custom_id in seen:
                errors.add(
                    f"{path}.custom_id",
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)
        elif kind in (2, 3, 5, 6, 7, 8) and comp.get("style") not in (5, 6):
            errors.add(f"{path}.custom_id", "BASE_TYPE_REQUIRED", "This field is required")
        stack.extend((f"{path}.components.{i}", c) for i, c in enumerate(children))
        if comp.get("accessory"):
            stack.append((f"{path}.accessory", comp["accessory"]))


def validate_allowed_mentions(am: Any, errors: FormErrors) -> None:
    if am is None:
        return
    parse = am.get("parse") or []
    for i, item in enumerate(parse):
        if item not in ("users", "roles", "everyone"):
            errors.add(f"allowed_mentions.parse.{i}", "BASE_TYPE_CHOICES", f"{item!r} invalid")
    for key in ("users", "roles"):
        if am.get(key) and key in parse:
            errors.add(
                "allowed_mentions",
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f"parse:[{key!r}] and {key}: [ids] are mutually exclusive.",
            )
        if len(am.get(key) or []) > 100:
            errors.add(f"allowed_mentions.{key}", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer.")


def validate_message(payload: dict[str, Any], *, edit: bool, has_files: bool) -> None:
    """Raise DiscordError the way Discord rejects a create/edit message payload."""
    errors = FormErrors()
    content = payload.get("content")
    if content is not None and not isinstance(content, str):
        errors.add("content", "BASE_TYPE_STRING", "Must be a string.")
    elif content is not None:
        errors.max_len("content", content, 2000)
    flags = int(payload.get("flags") or 0)
    if "embeds" in payload and payload["embeds"] is not None:
        validate_embeds(payload["embeds"], errors)
    if payload.get("components") is not None:
        validate_components(payload["components"], flags, errors)
    if flags & COMPONENTS_V2 and (content or payload.get("embeds")):
        errors.add(
            "content",
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used with IS_COMPONENTS_V2",
        )
    validate_allowed_mentions(payload.get("allowed_mentions"), errors)
    errors.raise_if_any()
    if not edit and not (
        content
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or has_files
    ):
        raise DiscordError(400, 50006, "Cannot send an empty message", violation="empty message")


def validate_choices(data: dict[str, Any] | None) -> None:
    errors = FormErrors()
    choices = (data or {}).get("choices")
    if not isinstance(choices, list):
        errors.add("data.choices", "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
        return
    if len(choices) > 25:
        errors.add("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= 100:
            errors.add(
                f"data.choices.{i}.name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100"
            )
        value = choice.get("value")
        if isinstance(value, str):
            errors.max_len(f"data.choices.{i}.value", value, 100)
    errors.raise_if_any()


def _validate_options(options: list[dict[str, Any]], path: str, errors: FormErrors) -> None:
    if len(options) > 25:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    optional_seen = False
    for i, opt in enumerate(options):
        p = f"{path}.{i}"
        if not _NAME_RE.match(opt.get("name") or "") or opt["name"] != opt["name"].lower():
            errors.add(f"{p}.name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if not 1 <= len(opt.get("description") or "") <= 100:
            errors.add(f"{p}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100")
        if len(opt.get("choices") or []) > 25:
            errors.add(f"{p}.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if opt.get("type") in (1, 2):
            _validate_options(opt.get("options") or [], f"{p}.options", errors)
            continue
        if opt.get("required"):
            if optional_seen:
                errors.add(
                    f"{p}.required",
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True


def validate_commands(commands: Any) -> None:
    errors = FormErrors()
    if not isinstance(commands, list):
        raise DiscordError(400, 50035, "Invalid Form Body", violation="commands not a list")
    if len(commands) > 100:
        errors.add("_", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    seen: set[tuple[str, int]] = set()
    for i, cmd in enumerate(commands):
        name, kind = cmd.get("name") or "", cmd.get("type", 1)
        if (name, kind) in seen:
            errors.add(f"{i}.name", "APPLICATION_COMMANDS_DUPLICATE_NAME", f"duplicate {name}")
        seen.add((name, kind))
        if kind == 1:
            if not _NAME_RE.match(name) or name != name.lower():
                errors.add(
                    f"{i}.name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            if not 1 <= len(cmd.get("description") or "") <= 100:
                errors.add(f"{i}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100")
            _validate_options(cmd.get("options") or [], f"{i}.options", errors)
    errors.raise_if_any()
