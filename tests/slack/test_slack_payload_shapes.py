"""Real Slack payload shapes (from slack-bolt's own tests, in payloads/), sent signed."""

from __future__ import annotations

import logging

import pytest
from fake_slack import FakeSlack
from slack_chat import ASK_EN, Chat, says
from slack_checks import button, buttons
from slack_payloads import send, shape, shapes
from slack_requests import block_action, dm_message, mention, message_shortcut

from bot.channels.slack.listeners import SHORTCUT_CALLBACK

SKIP = "answer:check-characters:skip"  # key-invalid's first question: "I'll check it myself"


@pytest.fixture
def bot(start_bot):
    return start_bot()


@pytest.fixture
def elsewhere():
    """Another HTTP server on 127.0.0.1 that a hostile payload could name as response_url."""
    other = FakeSlack().start()
    yield other
    other.close()


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]


def our_button(post, value: str) -> dict:
    """The action Slack reports for a click on one of keyhelp's buttons in ``post``."""
    block_id, element = button(post.args, value=value)
    return {"action_id": element["action_id"], "block_id": block_id, "text": element["text"],
            "value": element["value"], "type": "button", "action_ts": "1596530385.194939"}


@pytest.mark.parametrize("name", [s.name for s in shapes()])
def test_every_ordinary_shape_is_acknowledged(bot, caplog, name):
    stored = shape(name)
    answer = send(bot.send, stored.encoding, stored.copy())
    bot.idle()
    assert answer.status == 200, (stored.source, answer.body)
    no_errors(caplog)
    if name == "url_verification":
        assert stored.body["challenge"] in answer.body


@pytest.mark.parametrize("name", ["block_actions_ephemeral", "block_actions_message",
                                  "block_actions_minimal", "shortcut_global", "shortcut_message"])
def test_clicks_and_shortcuts_keyhelp_does_not_own_are_acknowledged(bot, caplog, name):
    stored = shape(name)  # action "a", "button", "valid_action_id"; callback "test-shortcut"
    with caplog.at_level(logging.INFO, logger="keyhelp"):
        assert send(bot.send, stored.encoding, stored.copy()).status == 200
    bot.idle()
    assert any(r.levelno == logging.INFO and "not keyhelp's" in r.getMessage()
               for r in caplog.records)
    no_errors(caplog)
    assert [c.method for c in bot.fake.calls if c.method != "auth.test"] == []


def test_click_without_container_continues_the_conversation(bot, caplog):
    chat = Chat(bot, user="W111")
    bot.send.event(dm_message("key invalid", user="W111"))
    [question] = chat.posts(1)
    body = shape("block_actions_minimal").copy()  # no container, channel or message
    body["user"] = {"id": "W111"}
    body["actions"] = [our_button(question, SKIP)]
    assert send(bot.send, "payload", body).status == 200
    [remedy] = chat.posts(1)
    assert remedy["channel"] == "W111" and says(remedy, "Did this solve it?")
    no_errors(caplog)


def test_global_shortcut_with_keyhelps_callback_is_acknowledged(bot, caplog):
    body = shape("shortcut_global").copy()  # no channel, no message: nothing to diagnose
    body["callback_id"] = SHORTCUT_CALLBACK
    assert send(bot.send, "payload", body).status == 200
    bot.idle()
    no_errors(caplog)
    assert bot.fake.calls_to("chat.postMessage") == []


def test_message_shortcut_shape_gives_the_agent_a_private_draft(bot, caplog):
    body = shape("shortcut_message").copy()
    body["callback_id"] = SHORTCUT_CALLBACK
    body["response_url"] = bot.fake.response_url("agent")
    body["message"]["text"] = "The product key you entered isn't valid"
    assert send(bot.send, "payload", body).status == 200
    [private] = bot.fake.wait_calls("chat.postEphemeral", 1)
    assert private["user"] == "W111" and private["channel"] == "C111"
    assert private["thread_ts"] == "1583636382.000300"
    no_errors(caplog)


def test_reply_to_a_message_in_a_dm_thread_stays_in_that_thread(bot):
    stored = shape("event_dm_in_thread")  # W222 writes in a thread of the DM D111
    assert send(bot.send, "json", stored.copy()).status == 200
    [reply] = bot.fake.wait_calls("chat.postMessage", 1)
    assert reply["channel"] == "D111" and reply["thread_ts"] == "1726133698.626339"


def test_conversation_in_a_dm_thread_continues_there_after_a_click(bot):
    chat = Chat(bot, user="UENGLISH")
    thread = "1700000010.000100"
    bot.send.event(dm_message("key invalid", user="UENGLISH", thread_ts=thread))
    [question] = chat.posts(1)
    assert question["thread_ts"] == thread and says(question, ASK_EN)
    chat.click(question, value=SKIP)
    [remedy] = chat.posts(1)
    assert remedy["channel"] == "D0DIRECT" and remedy["thread_ts"] == thread
    [update] = bot.fake.calls_to("chat.update")
    assert update["ts"] == question.posted["ts"]


def test_click_in_an_ephemeral_message_is_answered_privately(bot):
    thread = "1700000011.000100"
    bot.send.event(mention("key invalid", user="UENGLISH", channel="C0GENERAL", ts=thread))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    body = shape("block_actions_ephemeral").copy()  # container.is_ephemeral, no message
    body["user"]["id"] = "UENGLISH"
    body["channel"]["id"] = body["container"]["channel_id"] = "C0GENERAL"
    body["container"]["message_ts"] = "1700000011.000900"
    body["response_url"] = bot.fake.response_url("ephemeral")
    body["actions"] = [our_button(question, SKIP)]
    assert send(bot.send, "payload", body).status == 200
    [private] = bot.fake.wait_calls("chat.postEphemeral", 1)
    assert private["user"] == "UENGLISH" and private["channel"] == "C0GENERAL"
    assert private["thread_ts"] == thread and says(private, "Did this solve it?")
    [replaced] = bot.fake.wait_calls("response_url", 1)
    assert replaced["replace_original"] in (True, "true")
    assert says(replaced, "✅ *I'll check it myself*")
    bot.idle()
    assert bot.fake.calls_to("chat.update") == []
    assert len(bot.fake.calls_to("chat.postMessage")) == 1  # only the public question


def test_private_answer_kept_after_a_failure_stays_private(bot):
    thread = "1700000013.000100"
    bot.send.event(mention("key invalid", user="UENGLISH", channel="C0GENERAL", ts=thread))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    bot.fake.fail("chat.postEphemeral", 500, times=4)  # first try and every retry
    block_id, element = button(question.args, value=SKIP)
    click = block_action(question.posted, element, user="UENGLISH", block_id=block_id,
                         response_url=bot.fake.response_url("ephemeral"), ephemeral=True)
    assert bot.send.interactive(click).status == 200
    bot.fake.wait_failed(4)
    bot.idle()
    # the next turn in that thread sends the kept answer first: still only to that user
    bot.send.event(mention("why?", user="UENGLISH", channel="C0GENERAL", thread_ts=thread))
    [private] = bot.fake.wait_calls("chat.postEphemeral", 1)
    assert private["user"] == "UENGLISH" and says(private, "Did this solve it?")
    public = bot.fake.wait_calls("chat.postMessage", 2)
    assert not [post for post in public if says(post, "Did this solve it?")]


def test_response_url_elsewhere_is_never_followed(bot, elsewhere):
    hostile = elsewhere.response_url("steal")  # http://127.0.0.1:OTHERPORT/...
    payload = message_shortcut(callback_id=SHORTCUT_CALLBACK, agent="UAGENT", author="UJAPAN",
                               text="The product key you entered isn't valid",
                               channel="C0HELP", ts="1700000012.000100", response_url=hostile)
    assert bot.send.interactive(payload).status == 200
    [private] = bot.fake.wait_calls("chat.postEphemeral", 1)
    block_id, element = buttons(private.args)[0]
    post_click = block_action(private.posted, element, user="UAGENT", block_id=block_id,
                              response_url=hostile, ephemeral=True)
    assert bot.send.interactive(post_click).status == 200
    bot.fake.wait_calls("chat.postMessage", 1)  # the draft went out ...
    # ... and a click on keyhelp's question in an ephemeral message, naming the same URL
    thread = "1700000012.000200"
    bot.send.event(mention("key invalid", user="UENGLISH", channel="C0GENERAL", ts=thread))
    question = bot.fake.wait_calls("chat.postMessage", 2)[1]
    block_id, element = button(question.args, value=SKIP)
    click = block_action(question.posted, element, user="UENGLISH", block_id=block_id,
                         response_url=hostile, ephemeral=True)
    assert bot.send.interactive(click).status == 200
    bot.fake.wait_calls("chat.postEphemeral", 2)
    bot.idle()
    assert elsewhere.calls == []  # ... but nothing was sent where the payloads pointed


@pytest.mark.parametrize(("url", "trusted"), [
    ("https://hooks.slack.com/actions/T111/111/random-value", True),
    ("https://hooks.slack.com:443/commands/T111/111/x", True),
    ("http://hooks.slack.com/actions/T111/111/x", False),
    ("https://hooks.slack.com.evil.example/actions/x", False),
    ("https://evil.example/?u=https://hooks.slack.com/", False),
    ("https://user@hooks.slack.com@evil.example/x", False),
    ("http://127.0.0.1:8080/api/response/r", True),  # the configured API's own host
    ("http://127.0.0.1:9/response/r", False),
    ("http://localhost:8080/response/r", False),
    ("javascript:alert(1)", False),
    ("", False),
])
def test_only_slack_hooks_and_the_api_host_are_trusted_response_urls(url, trusted):
    from bot.channels.slack.respond import ResponseUrls  # new with this check

    assert ResponseUrls(api_url="http://127.0.0.1:8080/api/").trusted(url) is trusted
