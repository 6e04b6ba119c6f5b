"""The web page passes the browser's languages as hints; the dialogue core decides, matching
them to the rules file's locales as it does for Slack (bot/dialogue/language.py)."""

from __future__ import annotations

from pathlib import Path

THREE_LOCALES = Path(__file__).parents[1] / "fixtures" / "three-locales.yaml"
BROKEN_EN = "This key is broken"  # three-locales.yaml: written in no locale's own script


def test_a_browser_in_zh_cn_is_answered_in_the_rules_files_zh_hans(start_web):
    web = start_web(env={"KEYHELP_RULES": str(THREE_LOCALES)})
    browser = web.browser("zh-CN")
    page = browser.get("/")
    assert page.lang == "zh-Hans"
    page = browser.turn(page, text=BROKEN_EN)
    assert page.lang == "zh-Hans" and "您是手动输入的吗？" in page.body


def test_a_browser_in_zh_tw_is_not_given_simplified_chinese(start_web):
    web = start_web(env={"KEYHELP_RULES": str(THREE_LOCALES)})
    browser = web.browser("zh-TW")  # Traditional: the rules file has only Simplified
    page = browser.get("/")
    assert page.lang == "en"
    page = browser.turn(page, text=BROKEN_EN)
    assert page.lang == "en" and "Did you type it by hand?" in page.body
