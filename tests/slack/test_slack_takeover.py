"""A job left by a dead instance is finished by a live one at the stage it reached
(bot/channels/slack/jobs.py): its turn taken once, its stored messages posted once, none lost.

The dead instance is the adapter state opened on the bot's own database under an owner of its
own; ``release()`` ends its leases, as if they had run out, once the scene is set.
"""

from __future__ import annotations

import dataclasses

import pytest
from slack_chat import ASK_EN, FULL_KEY, KEY_INVALID_EN, WHY_EN, says
from slack_checks import text_of
from slack_ids import SUPPORT
from slack_requests import dm_message

from bot.channels.slack.places import Place
from bot.channels.slack.settings import SlackSettings
from bot.channels.slack.store import open_state

PLACE = Place.dm(user="UENGLISH", channel="D0DIRECT")


@pytest.fixture
def bot(start_bot):
    return start_bot(env={"KEYHELP_LEASE_SECONDS": "1"})


@pytest.fixture
def dead(slack_env, bot):
    """Another instance's view of the bot's state: it claims, then dies."""
    state = open_state(SlackSettings.from_env(slack_env, mode="http"))
    yield state
    state.close()


def job(text: str) -> dict:
    return {"kind": "message", "user": "UENGLISH", "text": text,
            "place": dataclasses.asdict(PLACE)}


def test_a_message_claimed_by_a_dead_instance_is_answered_from_its_stored_form(bot, dead,
                                                                               caplog):
    stored = bot.bot.conversations.backend.mask(f"{KEY_INVALID_EN} {FULL_KEY}")
    assert "6789B" not in stored and "XXXXX" not in stored  # the key is not kept at all
    assert dead.claim_job("EvDEAD", PLACE.conversation, job(stored)) == 1
    dead.release()
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert says(post, ASK_EN)  # no key in it: asked for, not checked from its mask
    assert "took over job 1" in caplog.text
    assert bot.send.event(dm_message(KEY_INVALID_EN, user="UENGLISH"),
                          event_id="EvDEAD").status == 200  # Slack's retry: answered already
    bot.send.event(dm_message("why?", user="UENGLISH"))
    _, why = bot.fake.wait_calls("chat.postMessage", 2)
    assert says(why, WHY_EN)


def test_what_was_posted_before_the_instance_died_is_not_posted_again(bot, dead):
    backend = bot.bot.conversations.backend
    bot.send.event(dm_message("hello", user="UENGLISH"))  # not recognised, once
    bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    dead.claim_job("EvDEAD", PLACE.conversation, job("hello again"))  # twice: escalated
    dead.begin("EvDEAD", *backend.snapshot(PLACE.conversation))
    backend.handle(PLACE.conversation, text="hello again",  # the dead one's turn
                   hints=bot.bot.conversations.picker.hints("UENGLISH"))
    version, _ = backend.snapshot(PLACE.conversation)
    # it posted the reply to the user, then died before the summary to the support channel
    dead.advance("EvDEAD", [["D0DIRECT", "1700000000.000900", False]])
    dead.release()
    [summary] = bot.fake.wait_calls("chat.postMessage", 2)[1:]
    assert summary["channel"] == SUPPORT and "hello again" in text_of(summary.args)
    bot.idle()
    assert len(bot.fake.calls_to("chat.postMessage")) == 2  # the user's reply: not again
    assert backend.snapshot(PLACE.conversation)[0] == version  # nor the turn


def test_a_turn_stored_without_its_replies_gets_them_from_the_state_before_it(bot, dead,
                                                                              caplog):
    backend = bot.bot.conversations.backend
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [asked] = bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    dead.claim_job("EvDEAD", PLACE.conversation, job("why?"))
    dead.begin("EvDEAD", *backend.snapshot(PLACE.conversation))
    backend.handle(PLACE.conversation, text="why?",  # stored; its replies lost
                   hints=bot.bot.conversations.picker.hints("UENGLISH"))
    stored, _ = backend.snapshot(PLACE.conversation)
    dead.release()
    _, why = bot.fake.wait_calls("chat.postMessage", 2)
    assert says(asked, ASK_EN) and says(why, WHY_EN)  # the reply that turn gave, once
    assert "taking it again on the state before it" in caplog.text
    assert backend.snapshot(PLACE.conversation)[0] == stored  # and it was not stored twice
    conversation = backend.assistant.store.load(PLACE.conversation)
    assert [entry[1] for entry in conversation.history if entry[0] == "user"] == [
        "key invalid", "why?"]
