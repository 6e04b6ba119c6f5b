"""Slack passes language hints (the user's locale, their choice); the dialogue core decides, and
the words after ``/keyhelp`` come from the catalogs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from slack_chat import Chat, says
from slack_requests import dm_message

from bot.channels.slack.orchestrator import OrchestratorBackend
from bot.dialogue.assistant import Assistant
from bot.dialogue.reload import RulesWatcher
from bot.dialogue.store import SqliteStore
from bot.knowledge.catalogs import Catalogs
from bot.paths import templates_dir
from bot.render.renderer import Renderer

THREE_LOCALES = Path(__file__).parents[1] / "fixtures" / "three-locales.yaml"
BROKEN_EN = "This key is broken"  # three-locales.yaml: written in no locale's own script
TYPED_ZH = "您是手动输入的吗？"  # its first question in zh-Hans
TYPED_EN = "Did you type it by hand?"
HELP_EN = "helps with Microsoft product-key redemption errors"
HELP_JA = "Microsoft のプロダクト キーの引き換えで表示されるエラーの解決をお手伝いします"


def _backend(tmp_path: Path, templates: Path) -> OrchestratorBackend:
    catalogs = Catalogs(locale_dir=templates / "locale")
    assistant = Assistant(watcher=RulesWatcher(path=THREE_LOCALES, catalogs=catalogs),
                          store=SqliteStore(path=tmp_path / "three.db"))
    return OrchestratorBackend(assistant=assistant,
                               renderer=Renderer(templates=templates, catalogs=catalogs))


def test_a_slack_locale_zh_cn_is_answered_in_the_rules_files_zh_hans(start_bot, fake_slack):
    fake_slack.locales["UCHINA"] = "zh-CN"
    bot = start_bot(env={"KEYHELP_RULES": str(THREE_LOCALES)})
    chat = Chat(bot, user="UCHINA")
    bot.send.event(dm_message(BROKEN_EN, user="UCHINA"))
    [asked] = chat.posts(1)
    assert says(asked, TYPED_ZH)


def test_a_slack_locale_zh_tw_is_not_answered_in_simplified_chinese(start_bot, fake_slack):
    fake_slack.locales["UTAIWAN"] = "zh-TW"
    bot = start_bot(env={"KEYHELP_RULES": str(THREE_LOCALES)})
    chat = Chat(bot, user="UTAIWAN")
    bot.send.event(dm_message(BROKEN_EN, user="UTAIWAN"))
    [asked] = chat.posts(1)
    assert says(asked, TYPED_EN)  # no locale of the rules fits: the default


def test_lang_takes_a_locale_tag_and_negotiates_it(start_bot):
    bot = start_bot(env={"KEYHELP_RULES": str(THREE_LOCALES)})
    url = bot.fake.response_url("lang")
    bot.send.command("lang zh-CN", user="UENGLISH", channel="C0GENERAL", response_url=url)
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message(BROKEN_EN, user="UENGLISH"))
    [asked] = chat.posts(1)
    assert says(asked, TYPED_ZH)  # the choice was stored as zh-Hans, so it is found again


@pytest.mark.parametrize(("word", "user", "expected"), [
    ("help", "UENGLISH", HELP_EN),
    ("ヘルプ", "UENGLISH", HELP_JA),  # the word is Japanese: so is the help
    ("ヘルプ", "UJAPAN", HELP_JA),
    ("HELP", "UJAPAN", HELP_JA),  # Slack locale ja-JP
])
def test_help_words_come_from_the_catalogs(start_bot, word, user, expected):
    bot = start_bot()
    url = bot.fake.response_url("help")
    helped = bot.send.command(word, user=user, channel="C0GENERAL", response_url=url)
    assert helped.status == 200 and expected in helped.json()["text"]
    assert bot.fake.calls_to("chat.postMessage") == []  # no diagnosis was started


def test_a_third_languages_help_word_needs_only_its_catalog(start_bot, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    (templates / "locale" / "zh-Hans.po").write_text(
        'msgctxt "command"\nmsgid "help"\nmsgstr "帮助|使用说明"\n\n'
        'msgctxt "command"\nmsgid "lang"\nmsgstr "语言"\n', encoding="utf-8")
    bot = start_bot(backend=_backend(tmp_path, templates))
    url = bot.fake.response_url("help")
    helped = bot.send.command("帮助", user="UENGLISH", channel="C0GENERAL", response_url=url)
    assert helped.status == 200 and "/keyhelp lang" in helped.json()["text"]
    chose = bot.send.command("语言 zh-Hans", user="UENGLISH", channel="C0GENERAL",
                             response_url=url)
    assert chose.status == 200 and "/keyhelp lang" not in chose.json()["text"]
    assert bot.fake.calls_to("chat.postMessage") == []
