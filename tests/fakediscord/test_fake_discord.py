"""End-to-end checks that the fake Discord works with the real discord.py client."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from testing.fakediscord import EPHEMERAL, FakeDiscord, UsageError

TIMEZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"]


class Confirm(discord.ui.View):
    @discord.ui.button(label="Confirm", custom_id="confirm")
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]
    ) -> None:
        button.disabled = True
        await interaction.response.edit_message(
            content=f"confirmed by {interaction.user.name}", view=self
        )


def make_bot(fake: FakeDiscord) -> commands.Bot:
    bot = commands.Bot(
        command_prefix="!",
        intents=discord.Intents.default(),  # no privileged message_content intent
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
        help_command=None,
    )
    guild = discord.Object(fake.guild.id)

    @bot.tree.command(description="Reply with pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.tree.command(description="Defer, then follow up")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.01)
        await interaction.followup.send("done thinking", ephemeral=True)

    @bot.tree.command(description="Read an attached file")
    async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        await interaction.response.send_message(f"{file.filename}: {file.size} {data!r}")

    @bot.tree.command(description="Ask for confirmation")
    async def ask(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Are you sure?", view=Confirm())

    @bot.tree.command(description="Only in the test guild", guild=guild)
    async def local(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("local", ephemeral=True)

    briefing = app_commands.Group(
        name="briefing",
        description="Briefings",
        default_permissions=discord.Permissions(manage_guild=True),
    )

    @briefing.command(description="Subscribe a channel")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe(
        interaction: discord.Interaction, channel: discord.TextChannel, time: str, timezone: str
    ) -> None:
        try:
            await channel.send(f"Briefings will be posted here at {time} {timezone}")
        except discord.Forbidden:
            await interaction.response.send_message(f"I can't post in {channel.mention}")
            return
        await interaction.response.send_message(
            f"Subscribed {channel.mention} at {time} {timezone}", ephemeral=True
        )

    @subscribe.autocomplete("timezone")
    async def tz_complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=tz, value=tz) for tz in TIMEZONES if current in tz]

    @subscribe.error
    async def subscribe_error(interaction: discord.Interaction, error: Exception) -> None:
        if isinstance(error, app_commands.MissingPermissions):
            await interaction.response.send_message("You need Manage Guild.", ephemeral=True)

    admin = app_commands.Group(name="admin", description="Admin tools", parent=briefing)

    @admin.command(description="Reset all subscriptions")
    async def reset(interaction: discord.Interaction, confirm: bool) -> None:
        await interaction.response.send_message(f"reset confirm={confirm}", ephemeral=True)

    bot.tree.add_command(briefing)

    async def setup_hook() -> None:
        await bot.tree.sync()
        await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook  # type: ignore[method-assign]

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:
            return
        if message.guild is None and message.attachments:
            data = await message.attachments[0].read()
            upper = discord.File(io.BytesIO(data.upper()), "upper.txt")
            await message.channel.send("shouted", file=upper)
        elif bot.user in message.mentions:
            await message.reply(f"hi {message.author.name}! content={message.content!r}")

    return bot


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[commands.Bot]:
    client = make_bot(fake)
    async with fake.running(client):
        yield client


async def test_login_ready_and_sync(fake: FakeDiscord, bot: commands.Bot) -> None:
    """The real client logs in, IDENTIFYs, caches the guild and syncs global + guild commands."""
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.application_id
    identify = fake.gateway.identifies[0]
    assert identify["token"] == fake.token and identify["intents"] == bot.intents.value
    assert fake.gateway.connections[0].query["compress"] == "zlib-stream"
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None and guild.me is not None
    assert {c.name for c in guild.text_channels} == {"general", "briefings", "readonly"}
    assert not guild.me.guild_permissions.administrator
    synced = {scope: [c["name"] for c in payload] for scope, payload in fake.sync_log}
    assert sorted(synced[None]) == ["ask", "briefing", "ping", "slow", "upload"]
    assert synced[fake.guild.id] == ["local"]
    assert (fake.last_sync(fake.guild) or [{}])[0]["description"] == "Only in the test guild"
    assert all(c["id"] and c["application_id"] for c in fake.commands())
    assert fake.commands(fake.guild)[0]["guild_id"] == str(fake.guild.id)
    fake.assert_clean()


async def test_slash_command_reply(fake: FakeDiscord, bot: commands.Bot) -> None:
    """An invoked command is answered with one type-4 callback, recorded with its latency."""
    record = await fake.invoke("ping")
    await record.wait_done()
    assert [c.type for c in record.callbacks] == [4]
    assert record.original is not None and record.original.content == "pong"
    assert record.original.allowed_mentions == {"parse": []}
    assert record.latency is not None and 0 <= record.latency < 1
    assert (await fake.wait_for_message("general")).content == "pong"
    local = await (await fake.invoke("local")).wait_done()
    assert local.original is not None and local.original.ephemeral
    fake.assert_clean()


async def test_defer_then_followup(fake: FakeDiscord, bot: commands.Bot) -> None:
    """A deferred (type 5, ephemeral) command's first follow-up fills the thinking message."""
    record = await fake.invoke("slow")
    first = await record.wait_first_response()
    assert first.type == 5 and first.data == {"flags": EPHEMERAL}
    await record.wait_done()
    assert record.original is not None and record.original.content == "done thinking"
    assert record.original.ephemeral and not record.original.loading
    assert [m.id for m in record.messages] == [record.original.id]
    fake.assert_clean()


async def test_subcommand_options_and_permissions(fake: FakeDiscord, bot: commands.Bot) -> None:
    """Subcommand options/resolved channel reach the bot; Manage Guild gates who may run it."""
    options = {"channel": "briefings", "time": "09:00", "timezone": "Europe/Berlin"}
    ok = await (await fake.invoke("briefing subscribe", options, user="bob")).wait_done()
    briefings = fake.channel("briefings")
    assert ok.original is not None and ok.original.ephemeral
    assert ok.original.content == f"Subscribed <#{briefings.id}> at 09:00 Europe/Berlin"
    posted = await fake.wait_for_message("briefings")
    assert posted.content.startswith("Briefings will be posted here at 09:00")

    with pytest.raises(UsageError, match="default_member_permissions"):
        await fake.invoke("briefing subscribe", options, user="carol")
    denied = await fake.invoke(
        "briefing subscribe", options, user="carol", enforce_permissions=False
    )
    await denied.wait_done()
    assert denied.original is not None and denied.original.content == "You need Manage Guild."

    reset = await fake.invoke("briefing admin reset", {"confirm": True}, user="alice")
    await reset.wait_done()
    assert reset.payload["data"]["options"][0]["options"][0] == {
        "type": 1,
        "name": "reset",
        "options": [{"type": 5, "name": "confirm", "value": True}],
    }
    assert reset.original is not None and reset.original.content == "reset confirm=True"

    fake.forbid_channel("briefings")
    forbidden = await (await fake.invoke("briefing subscribe", options, user="bob")).wait_done()
    assert forbidden.original is not None
    assert forbidden.original.content == f"I can't post in <#{briefings.id}>"
    assert fake.requests_to("POST", f"/channels/{briefings.id}/messages")[-1].status == 403
    fake.assert_clean()


async def test_autocomplete(fake: FakeDiscord, bot: commands.Bot) -> None:
    """A type-4 autocomplete interaction is answered with the bot's choices (type 8)."""
    record = await fake.autocomplete(
        "briefing subscribe", "timezone", "Europe", {"channel": "briefings"}, user="bob"
    )
    await record.wait_done()
    assert record.response_type == 8
    assert record.choices == [
        {"name": "Europe/Berlin", "value": "Europe/Berlin"},
        {"name": "Europe/London", "value": "Europe/London"},
    ]


async def test_button_click_updates_message(fake: FakeDiscord, bot: commands.Bot) -> None:
    """Clicking a view's button dispatches to the view, which edits the message (type 7)."""
    asked = await (await fake.invoke("ask")).wait_done()
    assert asked.original is not None
    click = await (await fake.click(asked.original, "confirm", user="bob")).wait_done()
    assert click.response_type == 7
    assert asked.original.content == "confirmed by bob"
    assert (asked.original.find_component("confirm") or {}).get("disabled") is True
    with pytest.raises(UsageError, match="disabled"):
        await fake.click(asked.original, "confirm")
    fake.assert_clean()


async def test_mention_reply_and_rate_limit(fake: FakeDiscord, bot: commands.Bot) -> None:
    """@mentions reach on_message without the content intent; a 429 is retried by discord.py."""
    fault = fake.fail_next("POST", "/channels/*/messages", 429, retry_after=0.01)
    await fake.send_message("general", f"{fake.mention()} from a bot", author="otherbot")
    user_msg = await fake.send_message("general", f"{fake.mention()} hello", author="carol")
    reply = await fake.wait_for_message("general")
    assert reply.content == f"hi carol! content='<@{fake.bot_user.id}> hello'"
    assert reply.message_reference is not None
    assert reply.message_reference["message_id"] == str(user_msg.id)
    assert reply.pinged_users == set()  # AllowedMentions.none(): the reply pings nobody
    await asyncio.sleep(0.05)
    assert len(fake.messages("general")) == 1  # the bot ignored the other bot's mention
    assert fault.hits == 1
    assert [r.status for r in fake.requests_to("POST", "/channels/*/messages")] == [429, 200]
    fake.assert_clean()


async def test_gateway_drop_resumes_and_replays(fake: FakeDiscord, bot: commands.Bot) -> None:
    """After a dropped socket the client RESUMEs at resume_gateway_url and gets missed events."""
    await fake.drop_connection(4000)
    await fake.send_message("general", f"{fake.mention()} missed me?", author="carol")
    await fake.wait_for_resume()
    assert fake.gateway.resumes[0]["path"] == "/resume/"
    assert len(fake.gateway.identifies) == 1
    reply = await fake.wait_for_message("general")
    assert "missed me?" in reply.content
    record = await (await fake.invoke("ping")).wait_done()
    assert record.response_type == 4
    fake.assert_clean()


async def test_protocol_errors_are_reported(fake: FakeDiscord, bot: commands.Bot) -> None:
    """A second callback gets 400/40060, a too-long message 400/50035; both are recorded."""
    record = await (await fake.invoke("ping")).wait_done()
    url = f"{fake.api_base}/interactions/{record.id}/{record.token}/callback"
    body = {"type": 4, "data": {"content": "again"}}
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 40060
    channel = bot.get_partial_messageable(fake.channel("general").id)
    with pytest.raises(discord.HTTPException) as excinfo:
        await channel.send("x" * 2001)
    assert excinfo.value.code == 50035
    await fake.delete_channel("readonly")
    with pytest.raises(discord.NotFound) as missing:
        await bot.get_partial_messageable(fake.channel("readonly").id).send("hi")
    assert missing.value.code == 10003
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/not-a-discord-route"))
    assert [r.path for r in fake.unknown_requests] == ["/not-a-discord-route"]
    assert [v.kind for v in fake.violations] == [
        "double ack",
        "invalid: content: Must be 2000 or fewer in length.",
    ]


async def test_dm_attachment_roundtrip(fake: FakeDiscord, bot: commands.Bot) -> None:
    """A DM attachment downloads from the fake's CDN stand-in; a file reply arrives multipart."""
    dm = fake.dm_channel("carol")
    await fake.send_message(dm, "please shout", author="carol", files=[("doc.txt", b"hello")])
    reply = await fake.wait_for_message(dm)
    assert reply.content == "shouted" and reply.guild_id is None
    assert [(f.filename, f.data) for f in reply.files] == [("upper.txt", b"HELLO")]
    fake.assert_clean()


async def test_attachment_option_is_resolved_and_served(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    """An attachment option (type 11) arrives resolved, and its URL serves the bytes."""
    record = await (await fake.invoke("upload", {"file": ("../a b.txt", b"hello")})).wait_done()
    assert record.original is not None
    assert record.original.content == "../a b.txt: 5 b'hello'"
    option = record.payload["data"]["options"][0]
    assert option["type"] == 11
    resolved = record.payload["data"]["resolved"]["attachments"][option["value"]]
    assert resolved["url"].startswith("http://127.0.0.1:")
    with pytest.raises(UsageError):
        await fake.invoke("upload", {"file": "not a file"})
    fake.assert_clean()


async def test_network_sealed_and_patches_restored() -> None:
    """Inside the fake any non-local HTTP request fails loudly; leaving it restores discord.py."""
    async with FakeDiscord() as fake:
        assert fake.api_base == discord.http.Route.BASE
        async with aiohttp.ClientSession() as http:
            with pytest.raises(RuntimeError, match="blocked"):
                await http.get("https://discord.com/api/v10/gateway")
        assert fake.blocked_requests == ["GET https://discord.com/api/v10/gateway"]
        with pytest.raises(AssertionError, match="blocked external request"):
            fake.assert_clean()
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"


async def test_wrong_token_is_login_failure(fake: FakeDiscord) -> None:
    """A bad token gets 401 at GET /users/@me, which discord.py raises as LoginFailure."""
    client = make_bot(fake)
    with pytest.raises(discord.LoginFailure):
        await client.start("not-the-token")
    await client.close()
    assert fake.requests[-1].path == "/users/@me" and fake.requests[-1].status == 401


async def test_identify_with_revoked_token_closes_4004(fake: FakeDiscord) -> None:
    """A token revoked between login and IDENTIFY gets gateway close 4004 (not reconnected)."""
    client = make_bot(fake)
    await client.login(fake.token)
    fake.revoke_token()
    with pytest.raises(discord.ConnectionClosed) as excinfo:
        await client.connect()
    await client.close()
    assert excinfo.value.code == 4004
