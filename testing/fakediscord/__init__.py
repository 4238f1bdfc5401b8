"""A fake Discord (REST + gateway on 127.0.0.1) for end-to-end tests of the real discord.py client.

    async with FakeDiscord() as fake:          # server up, discord.py patched, network sealed
        async with fake.running(make_bot()):   # client.start() in a task, until is_ready()
            record = await fake.invoke("briefing subscribe", {"channel": "briefings"}, user="bob")
            await record.wait_done()
            assert record.original.content.startswith("Subscribed")
            fake.assert_clean()                # no protocol violations / unknown routes

Default world: guild "Test Guild" (#general, #briefings, #readonly), users alice (owner,
admin), bob (Manage Guild), carol (plain member), otherbot (a bot), and the bot itself.
Sharded like Discord: each IDENTIFY with shard [id, count] gets its shard's guilds and events.
Drive it with invoke / autocomplete / click / send_message / dispatch; break it with
fail_next / delete_channel / forbid_channel / drop_connection / invalidate_session /
revoke_token; inspect interactions, messages(), requests, sync_log, violations.
"""

from .commands import UsageError
from .fake import FakeDiscord
from .models import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    ChannelSpec,
    GuildSpec,
    MemberSpec,
    Overwrite,
    RoleSpec,
    UserSpec,
    default_guild,
    default_users,
)
from .records import (
    EPHEMERAL,
    CallbackRecord,
    Fault,
    InteractionRecord,
    MessageRecord,
    RequestRecord,
    Violation,
)
from .validation import DiscordError

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "EPHEMERAL",
    "MANAGE_GUILD",
    "SEND_MESSAGES",
    "VIEW_CHANNEL",
    "CallbackRecord",
    "ChannelSpec",
    "DiscordError",
    "FakeDiscord",
    "Fault",
    "GuildSpec",
    "InteractionRecord",
    "MemberSpec",
    "MessageRecord",
    "Overwrite",
    "RequestRecord",
    "RoleSpec",
    "UsageError",
    "UserSpec",
    "Violation",
    "default_guild",
    "default_users",
]
