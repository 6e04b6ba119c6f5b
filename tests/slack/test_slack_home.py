"""App Home: agents (members of the support channel) see this week's figures, driven by real
conversations through the fake Slack; others see help; user text is escaped, keys masked."""

from __future__ import annotations

from slack_chat import FULL_KEY, KEY_INVALID_EN, Chat
from slack_checks import text_of
from slack_ids import SUPPORT, WATCHED
from slack_requests import channel_message, dm_message


def home_opened(user: str) -> dict:
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
            "event_ts": "1700000000.000100"}


def published(bot, user: str) -> str:
    [call] = bot.fake.wait_calls("views.publish", 1)
    assert call.args["user_id"] == user and call.args["view"]["type"] == "home"
    return text_of({"blocks": call.args["view"]["blocks"]})


def test_an_agent_sees_the_weeks_counts_and_the_misses_escaped(start_bot):
    bot = start_bot()
    bot.fake.members[SUPPORT] = ["UAGENT"]
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message(KEY_INVALID_EN, user="UENGLISH"))
    [question] = chat.posts(1)
    chat.click(question, value="answer:check-characters:skip")
    [remedy] = chat.posts(1)
    chat.click(remedy, value="solved:yes")
    chat.posts(1)
    bot.send.event(dm_message(f"<!channel> is 1 < 2 & 3 > 2? vpn {FULL_KEY}", user="UJAPAN",
                              channel="D0OTHER"))
    bot.idle()
    assert bot.send.event(home_opened("UAGENT")).status == 200
    bot.idle()
    shown = published(bot, "UAGENT")
    assert "1 diagnosis" in shown and "1 started, 1 solved, 0 handed over" in shown
    assert "Product key isn't valid" in shown
    assert "1 &lt; 2 &amp; 3 &gt; 2?" in shown and "<!channel>" not in shown
    assert FULL_KEY.lower() not in shown.lower() and "6789b" in shown.lower()


def test_someone_outside_the_support_channel_sees_help_not_figures(start_bot):
    bot = start_bot()
    bot.fake.members[SUPPORT] = ["UAGENT"]
    bot.send.event(home_opened("UENGLISH"))
    bot.idle()
    shown = published(bot, "UENGLISH")
    assert "walk you through it" in shown and "started" not in shown


def test_a_japanese_agent_reads_the_home_tab_in_japanese(start_bot):
    bot = start_bot(env={"KEYHELP_SUPPORT_CHANNEL": ""})  # no support channel: everyone
    bot.send.event(home_opened("UJAPAN"))
    bot.idle()
    shown = published(bot, "UJAPAN")
    assert "直近 7 日間に記録された診断はありません。" in shown


def test_unasked_answers_and_their_thumbs_are_counted(start_bot):
    bot = start_bot()
    bot.fake.members[SUPPORT] = ["UAGENT"]
    asked = channel_message(KEY_INVALID_EN, user="UENGLISH", channel=WATCHED)
    bot.send.event(asked)
    [answer] = bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    ts = answer.posted["ts"]
    bot.send.event({"type": "reaction_added", "user": "UENGLISH", "reaction": "-1",
                    "item": {"type": "message", "channel": WATCHED, "ts": ts},
                    "item_user": "UKEYHELP", "event_ts": "1700000001.000100"})
    bot.send.event({"type": "reaction_added", "user": "UOTHER", "reaction": "+1::skin-tone-2",
                    "item": {"type": "message", "channel": WATCHED, "ts": "1.000001"},
                    "event_ts": "1700000001.000200"})  # not keyhelp's answer: ignored
    bot.idle()
    week = bot.bot.conversations.backend.week("en")
    assert week["unasked"] == {"answers": 1, "thumbs_up": 0, "thumbs_down": 1}
