"""The real BriefBot against the fake Discord: sync, every command, autocomplete, mentions."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from bot.client import PERMISSIONS, BriefBot, invite_link
from bot.cogs.answers import HELP
from bot.errors import GENERIC
from bot.settings import Settings
from testing.fakediscord import EPHEMERAL, FakeDiscord
from tests.helpers import (
    WriteCorpus,
    answered,
    assert_cannot_ping,
    bot_messages,
    check_golden,
    make_bot,
    make_settings,
)

COMMANDS = [
    "summary",
    "figures",
    "sources",
    "cite",
    "ask",
    "timeline",
    "briefing",
    "corpus",
    "feeds",
    "help",
]
# (command, options, expected title start): one of each, over seeds/
EVERY_COMMAND: list[tuple[str, dict[str, Any], str]] = [
    ("summary", {"topic": "Tumen River bridge"}, "Summary: Tumen River bridge"),
    ("figures", {"topic": "Tumen River bridge"}, "Figures: Tumen River bridge"),
    ("sources", {"topic": "Tumen River bridge"}, "Sources: Tumen River bridge"),
    ("cite", {"claim": "the road bridge will be 850 meters long"}, "Citation for: the road"),
    ("ask", {"question": "How long is the Tumen bridge?"}, "How long is the Tumen bridge?"),
    ("timeline", {"topic": "Tumen River bridge"}, "Timeline: Tumen River bridge"),
    ("briefing now", {}, "Briefing"),
]


def _options(command: dict[str, Any]) -> list[dict[str, Any]]:
    """Every option of a synced command, subcommands included."""
    found = []
    for option in command.get("options") or []:
        found.append(option)
        found += _options(option)
    return found


async def test_logs_in_and_syncs_every_command_described(fake: FakeDiscord, bot: BriefBot) -> None:
    """READY, one global sync of all commands, each command and option with a description."""
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert [scope for scope, _ in fake.sync_log] == [None]
    synced = {c["name"]: c for c in fake.last_sync() or []}
    assert sorted(synced) == sorted(COMMANDS)
    for command in synced.values():
        assert command["description"], command["name"]
        for option in _options(command):
            assert option["description"], (command["name"], option["name"])
    options = {(c, o["name"]): o for c, cmd in synced.items() for o in _options(cmd)}
    assert options["summary", "topic"]["min_length"] == 1
    assert options["summary", "topic"]["max_length"] == 200
    assert options["summary", "topic"]["autocomplete"] is True
    assert options["ask", "question"]["max_length"] == 500
    assert options["cite", "claim"]["max_length"] == 500
    time = options["briefing", "time"]
    assert (time["min_length"], time["max_length"]) == (1, 16)  # "7am" to "12:30 a.m."
    assert options["briefing", "timezone"]["autocomplete"] is True
    assert options["briefing", "channel"]["channel_types"] == [0, 5]  # text and news
    subcommands = {o["name"] for o in synced["briefing"]["options"]}
    assert subcommands == {"now", "subscribe", "unsubscribe", "list"}
    assert {o["name"] for o in synced["corpus"]["options"]} == {"status", "reload", "add"}
    assert {o["name"] for o in synced["feeds"]["options"]} == {"add", "remove", "list"}
    assert options["feeds", "url"]["max_length"] == 500
    # Everyone may read (/briefing now|list, /corpus status): Discord applies
    # default_member_permissions to whole top-level commands only, so the groups carry none
    # and managing is checked at run time (tests in test_e2e_briefing).
    assert synced["briefing"]["default_member_permissions"] is None
    assert synced["briefing"]["dm_permission"] is False
    assert synced["corpus"]["dm_permission"] is False
    fake.assert_clean()


async def test_answer_commands_sync_as_recorded(fake: FakeDiscord, bot: BriefBot) -> None:
    """The six answer commands, declared by one factory, sync exactly the recorded schema."""
    names = ("summary", "figures", "sources", "timeline", "cite", "ask")
    synced = [c for c in fake.last_sync() or [] if c["name"] in names]
    text = json.dumps(sorted(synced, key=lambda c: str(c["name"])), indent=1, sort_keys=True)
    check_golden("answer_commands", text + "\n", ".json")


async def test_guild_id_syncs_to_that_guild_only(fake: FakeDiscord, settings: Settings) -> None:
    """BRIEFBOT_GUILD_ID: the commands are synced to that server (instant), not globally."""
    settings = settings.model_copy(update={"guild_id": fake.guild.id})
    async with fake.running(make_bot(settings), timeout=15):
        assert [scope for scope, _ in fake.sync_log] == [fake.guild.id]
        assert sorted(c["name"] for c in fake.commands(fake.guild)) == sorted(COMMANDS)
        record = await fake.invoke("sources", {"topic": "Rason"})
        await record.wait_done()
    fake.assert_clean()


async def test_every_command_answers_in_time_with_embeds_that_cannot_ping(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """Each answer command is deferred then filled with a well-formed embed within 3 s."""
    for number, (command, options, title) in enumerate(EVERY_COMMAND):
        user = ["alice", "bob", "carol"][number % 3]
        record = await answered(fake, command, options, user=user)
        assert record.callbacks[0].type == 5  # deferred: the deadline holds however slow
        message = record.original
        assert message is not None and not message.loading and not message.ephemeral
        assert len(message.embeds) == 1, message.data
        assert message.embeds[0]["title"].startswith(title), message.embeds[0]["title"]
        assert message.embeds[0].get("description") or message.embeds[0].get("fields")
    status = await answered(fake, "corpus status")
    assert status.original is not None and status.original.ephemeral
    assert "**5** documents" in status.original.content
    listed = await answered(fake, "briefing list")
    assert listed.original is not None and "No channel" in listed.original.content
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()


async def test_private_answers_are_ephemeral(fake: FakeDiscord, bot: BriefBot) -> None:
    """private=True: deferred and answered ephemerally; without it, in the channel."""
    private = await answered(fake, "ask", {"question": "Rason station", "private": True})
    assert private.callbacks[0].data == {"flags": EPHEMERAL}
    assert private.original is not None and private.original.ephemeral
    public = await answered(fake, "ask", {"question": "Rason station"})
    assert public.original is not None and not public.original.ephemeral
    fake.assert_clean()


async def test_topic_and_timezone_autocomplete(fake: FakeDiscord, bot: BriefBot) -> None:
    """Topics come from the corpus's phrases and titles; zones from the IANA database."""
    record = await (await fake.autocomplete("summary", "topic", "tumen")).wait_done()
    names = [c["name"] for c in record.choices or []]
    assert "Tumen River" in names
    assert all("tumen" in n.casefold() for n in names)
    assert names[0].casefold().startswith("tumen")  # prefix matches first
    empty = await (await fake.autocomplete("figures", "topic", "")).wait_done()
    titles = [c["name"] for c in empty.choices or []]
    assert 1 <= len(titles) <= 25
    options = {"channel": "briefings"}
    zones = await fake.autocomplete("briefing subscribe", "timezone", "new york", options)
    assert (await zones.wait_done()).choices == [
        {"name": "America/New_York", "value": "America/New_York"}
    ]
    paris = await fake.autocomplete("briefing subscribe", "timezone", "europe/par", options)
    assert [c["value"] for c in (await paris.wait_done()).choices or []] == ["Europe/Paris"]
    assert all(r.latency is not None and r.latency < 3 for r in fake.interactions)
    fake.assert_clean()


async def test_mentions_and_markdown_in_a_topic_ping_nobody(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """A topic with @everyone, a role, a user and markdown is echoed escaped, and pings no one."""
    role = fake.guild.roles[0]
    topic = f"@everyone <@&{role.id}> <@{fake.user('carol').id}> **Tumen** @here"
    record = await answered(fake, "sources", {"topic": topic})
    assert record.original is not None
    title = record.original.embeds[0]["title"]
    assert "@everyone" not in title and "@here" not in title and "<@" not in title
    assert "@\u200beveryone" in title and "\\*\\*Tumen\\*\\*" in title
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()


async def test_document_mentions_and_markdown_are_quoted_escaped(
    fake: FakeDiscord,
    write_corpus: WriteCorpus,
    tmp_path: Path,
) -> None:
    """A document that says @everyone, <@&id>, <t:..> and **bold**: quoted, none of it live."""
    role = fake.guild.roles[0]
    hostile = (
        f"Zeppelin news\n\nThe zeppelin crew told @everyone and <@&{role.id}> to board at "
        "<t:1700000000:F>, **right now**, said the # captain of the zeppelin.\n"
    )
    corpus = write_corpus({"hostile.txt": hostile, "calm.txt": "Calm\n\nNothing to see here.\n"})
    async with fake.running(make_bot(make_settings(corpus, tmp_path / "data2")), timeout=15):
        record = await answered(fake, "ask", {"question": "zeppelin crew board"})
        await fake.send_message("general", f"{fake.mention()} zeppelin crew", author="carol")
        reply = await fake.wait_for_message("general", lambda m: m.message_reference is not None)
    for message in (record.original, reply):
        assert message is not None
        text = message.embeds[0]["description"]
        assert "@\u200beveryone" in text and f"<\u200b@\u200b&{role.id}>" in text
        assert "<t:" not in text and "\\*\\*right now\\*\\*" in text
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()


async def test_mention_is_answered_in_a_reply(fake: FakeDiscord, bot: BriefBot) -> None:
    """@briefbot question -> a reply with the answer; other bots are ignored; no ping back."""
    await fake.send_message(
        "general", f"{fake.mention()} how long is the bridge?", author="otherbot"
    )
    asked = await fake.send_message(
        "general", f"{fake.mention()} how long is the Tumen bridge?", author="carol"
    )
    reply = await fake.wait_for_message("general")
    assert reply.message_reference is not None
    assert reply.message_reference["message_id"] == str(asked.id)
    assert reply.embeds[0]["title"] == "how long is the Tumen bridge?"
    assert "850 meters" in reply.embeds[0]["description"]
    assert fake.state.typing  # the typing indicator ran while the answer was composed
    assert len(fake.messages("general")) == 1  # nothing for the other bot's mention
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()


async def test_a_reply_ping_is_not_a_question(fake: FakeDiscord, bot: BriefBot) -> None:
    """Replying to the bot pings it (it is in `mentions`) but the text does not name it: no
    answer; a message whose text mentions it, as `<@id>` or `<@!id>`, is answered."""
    first = await fake.send_message("general", f"{fake.mention()} Rason?", author="carol")
    answer = await fake.wait_for_message("general")
    await fake.send_message(
        "general", "thanks, nice", author="carol", reply_to=answer, mentions=[fake.bot_user]
    )
    nick = await fake.send_message(
        "general", f"<@!{fake.bot_user.id}> Tumen bridge?", author="carol"
    )
    await fake.wait_for_message("general")
    replied = [(m.message_reference or {}).get("message_id") for m in fake.messages("general")]
    assert replied == [str(first.id), str(nick.id)]
    fake.assert_clean()


async def test_empty_mention_gets_short_help(fake: FakeDiscord, bot: BriefBot) -> None:
    """A bare mention is answered with how to ask, not with a search for nothing."""
    await fake.send_message("general", f"{fake.mention()}   ", author="carol")
    reply = await fake.wait_for_message("general")
    assert reply.content == HELP and reply.pinged_users == set()
    fake.assert_clean()


async def test_failure_in_the_mention_path_is_reported_and_logged(
    fake: FakeDiscord,
    bot: BriefBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug while answering a mention: a generic reply in the channel, the traceback logged."""

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("composer exploded")

    monkeypatch.setattr(bot.service, "pages", broken)
    with caplog.at_level(logging.ERROR, logger="bot"):
        await fake.send_message("general", f"{fake.mention()} anything", author="carol")
        reply = await fake.wait_for_message("general")
    assert reply.content == GENERIC
    failure = next(r for r in caplog.records if r.name == "bot.cogs.answers")
    assert failure.exc_info is not None and "composer exploded" in str(failure.exc_info[1])
    fake.assert_clean()


async def test_command_failure_is_a_private_generic_message(
    fake: FakeDiscord,
    bot: BriefBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug in a command: the asker gets a generic answer, the log gets the traceback."""

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("composer exploded")

    monkeypatch.setattr(bot.service, "pages", broken)
    with caplog.at_level(logging.ERROR, logger="bot"):
        record = await (
            await fake.invoke("summary", {"topic": "Rason", "private": True})
        ).wait_done()
    assert record.original is not None and record.original.content == GENERIC
    assert record.original.ephemeral
    assert any(r.exc_info and r.name == "bot.errors" for r in caplog.records)
    fake.assert_clean()


async def test_two_questions_half_a_second_apart_are_both_answered(
    fake: FakeDiscord, bot: BriefBot
) -> None:
    """With the default limits, /summary then /figures half a second later: both answered."""
    first = await answered(fake, "summary", {"topic": "Tumen River bridge"}, user="carol")
    await asyncio.sleep(0.5)
    second = await answered(fake, "figures", {"topic": "Tumen River bridge"}, user="carol")
    for record in (first, second):
        assert record.original is not None and record.original.embeds, record.original
    fake.assert_clean()


async def test_questions_past_the_burst_wait_and_are_answered(
    fake: FakeDiscord, settings: Settings
) -> None:
    """Five questions and a mention at once past a burst of two: all deferred in time,
    all answered, none refused."""
    quick = settings.model_copy(update={"question_burst": 2, "question_window_seconds": 1.0})
    async with fake.running(make_bot(quick), timeout=15):
        records = [await fake.invoke("ask", {"question": "Rason"}, user="carol") for _ in range(5)]
        await fake.send_message("general", f"{fake.mention()} Rason?", author="carol")
        reply = await fake.wait_for_message("general", timeout=10)
        for record in records:
            await record.wait_done(timeout=10)
            assert record.latency is not None and record.latency < 3
            assert record.original is not None and record.original.embeds
    assert reply.embeds
    fake.assert_clean()


async def test_past_the_longest_wait_the_asker_is_told_when_to_ask_again(
    fake: FakeDiscord, settings: Settings
) -> None:
    """A wait longer than max_queue_seconds: a private "ask again <t:…:R>", never silence;
    other users are not affected."""
    strict = settings.model_copy(
        update={"question_burst": 1, "question_window_seconds": 60.0, "max_queue_seconds": 1.0}
    )
    async with fake.running(make_bot(strict), timeout=15):
        first = await answered(fake, "sources", {"topic": "Rason"}, user="carol")
        second = await answered(fake, "ask", {"question": "Rason"}, user="carol")
        other = await answered(fake, "ask", {"question": "Rason"}, user="bob")
        await fake.send_message("general", f"{fake.mention()} Rason?", author="carol")
        mention = await fake.wait_for_message("general", lambda m: bool(m.message_reference))
    assert first.original is not None and first.original.embeds
    assert second.response_type == 4 and second.original is not None
    assert second.original.ephemeral
    assert re.fullmatch(ASK_AGAIN, second.original.content), second.original.content
    assert other.original is not None and other.original.embeds  # per user
    assert re.fullmatch(ASK_AGAIN, mention.content), mention.content
    fake.assert_clean()


async def test_a_flood_from_one_user_does_not_hold_up_another(
    fake: FakeDiscord, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """carol sends six questions, then bob one, while the answer thread is busy: bob's answer
    comes within the first three, not after all of carol's (ordering, not timing)."""
    bot = make_bot(settings.model_copy(update={"question_burst": 10}))
    async with fake.running(bot, timeout=15):
        release, real = asyncio.Event(), bot.service.pages

        async def held(*args: Any, **kwargs: Any) -> Any:
            await release.wait()
            return await real(*args, **kwargs)

        monkeypatch.setattr(bot.service, "pages", held)
        flood = [
            await fake.invoke("sources", {"topic": f"Rason {n}"}, user="carol") for n in range(6)
        ]
        other = await fake.invoke("sources", {"topic": "Tumen River bridge"}, user="bob")
        await fake.wait_for(lambda: all(r.callbacks for r in [*flood, other]), timeout=5)
        async with asyncio.timeout(5):
            while bot.gate.queue.waiting < 6:  # carol's first holds the turn; the rest wait
                await asyncio.sleep(0.01)
        release.set()
        for record in [*flood, other]:
            await record.wait_done(timeout=10)
    answered_order = [
        r.path.split("/")[3] for r in fake.requests_to("PATCH", "/webhooks/*/messages/@original")
    ]
    assert len(answered_order) == 7
    assert answered_order.index(other.token) <= 2, answered_order
    fake.assert_clean()


ASK_AGAIN = r"You're asking faster than I can answer: please ask again <t:\d+:R> \(in \d+ s\)\."

HOSTILE_INPUTS = [
    " ",
    "the of and to",
    "🚀🌉🚀",
    "\u202eegdirb nemuT\u202c",  # right-to-left override
    "Tumen\u200b\u200bbridge\u200d",
    "`` ` ``` ~~ || > # -",
    "Тумэн 图们江 بريدج",
    "x" * 500,
]


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
async def test_odd_input_gets_an_answer_not_an_error(
    fake: FakeDiscord, bot: BriefBot, text: str
) -> None:
    """Blank, stopword-only, emoji, bidi, zero-width, markdown and maximal inputs: each
    command answers with a well-formed embed (found or not), never the generic error."""
    for command, option in [("sources", "topic"), ("ask", "question"), ("cite", "claim")]:
        record = await answered(fake, command, {option: text[:200]})
        assert record.original is not None and record.original.content != GENERIC
        assert record.original.embeds, record.original.data
    await fake.send_message("general", f"{fake.mention()} {text * 12}", author="carol")
    reply = await fake.wait_for_message("general", lambda m: bool(m.message_reference))
    assert reply.embeds or reply.content == HELP
    assert_cannot_ping(bot_messages(fake))
    fake.assert_clean()


async def test_help_names_every_command_with_an_example(fake: FakeDiscord, bot: BriefBot) -> None:
    """/help (private) says what the bot does, where the documents come from, and shows an
    example of every command Discord knows, subcommands included."""
    record = await answered(fake, "help")
    assert record.original is not None and record.original.ephemeral
    (embed,) = record.original.embeds
    assert "verbatim quotes" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    examples = fields["Commands"] + "\n" + fields["More commands"]
    for command in fake.last_sync() or []:
        subcommands = [o["name"] for o in command.get("options") or [] if o["type"] == 1]
        for name in [f"{command['name']} {s}" for s in subcommands] or [command["name"]]:
            assert f"`/{name}" in examples, name
    assert "`@briefbot " in examples
    assert "A folder of 5 documents" in fields["Where the documents come from"]
    fake.assert_clean()


def test_the_readme_s_invite_link_asks_for_what_the_bot_checks() -> None:
    """The README's permissions integer is the client's PERMISSIONS, which /briefing subscribe
    checks in the channel: View Channel, Send Messages, Embed Links, Read Message History."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    assert PERMISSIONS.value == 84992
    assert "scope=bot+applications.commands&permissions=84992" in readme
    assert invite_link(42).endswith(
        "client_id=42&scope=bot+applications.commands&permissions=84992"
    )
