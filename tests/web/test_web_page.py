"""The page over real HTTP: a whole conversation, POST-redirect-GET, languages, the cookie."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from web_client import Browser

THREE_LOCALES = Path(__file__).parents[1] / "fixtures" / "three-locales.yaml"

EXPIRED_EN = "The product key you entered has expired. Enter a different key"
EXPIRED_JA = "このプロダクト キーは有効期限が切れています。別のプロダクト キーを入力してください"


def test_healthz_answers_ok_with_the_digest_of_the_rules_in_force(web):
    answer = web.browser().get("/healthz")
    digest = web.app.conversations.assistant.brain.digest
    assert answer.status == 200 and json.loads(answer.body) == {
        "status": "ok", "database": "ok", "rules": digest}
    assert digest == hashlib.sha256(web.app.conversations.assistant.watcher.path.read_bytes()
                                    ).hexdigest()


def test_a_whole_conversation_reaches_a_hand_off_with_buttons_only_after_the_first_message(web):
    browser = web.browser("en")
    page = browser.get("/")
    assert page.status == 200 and page.lang == "en"
    assert "Which error message do you see" in page.body
    page = browser.turn(page, text=EXPIRED_EN)
    assert "Do you have another, newer product key" in page.body
    assert dict(page.choices)["answer:other-key:no-other"] == "No other key"
    page = browser.turn(page, action="answer:other-key:no-other")
    assert "<span class=\"who\">You:</span> No other key" in page.body
    assert 'class="summary"' in page.body and "Error: Product key has expired" in page.body
    assert "This page does not send the summary anywhere" in page.body
    assert page.choices == [("restart", "Start over")]


def test_reloading_after_a_turn_shows_the_same_page_and_sends_nothing_again(web):
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text=EXPIRED_EN)
    again = browser.get("/")
    assert again.turns == page.turns == 2
    assert again.body == page.body


def test_the_session_cookie_is_signed_httponly_and_samesite_lax(web):
    browser = web.browser()
    browser.get("/")
    (raw,) = browser.cookie_headers
    assert "HttpOnly" in raw and "SameSite=Lax" in raw and "Path=/" in raw
    value = browser.cookies["keyhelp_session"]
    forged = Browser(port=web.port, cookies={"keyhelp_session": value[:-2] + "xx"})
    assert forged.get("/").header("Set-Cookie"), "a forged cookie starts a new session"


def test_a_session_resumes_with_its_cookie_and_is_private_to_it(web):
    alice, bob = web.browser("en"), web.browser("en")
    alice.turn(alice.get("/"), text=EXPIRED_EN)
    assert "Do you have another" in alice.get("/").body
    assert "Do you have another" not in bob.get("/").body


def test_japanese_text_is_answered_in_japanese_and_the_page_says_so(web):
    browser = web.browser("en-US,en;q=0.9")
    page = browser.turn(browser.get("/"), text=EXPIRED_JA)
    assert page.lang == "ja"
    assert "ほかに未使用の新しいプロダクト キーをお持ちですか" in page.body
    assert ("answer:other-key:no-other", "別のキーはない") in page.choices


def test_the_browser_language_is_used_before_any_message(web):
    page = web.browser("ja-JP,ja;q=0.9,en;q=0.5").get("/")
    assert page.lang == "ja" and "プロダクト キーのトラブル診断" in page.body
    assert web.browser("fr-FR,en;q=0.3").get("/").lang == "en"
    assert web.browser("de").get("/").lang == "en"  # the rules file's default


def test_script_less_text_follows_the_browser_language(web):
    browser = web.browser("ja")
    page = browser.turn(browser.get("/"), text=EXPIRED_EN)
    assert page.lang == "ja" and "ほかに未使用の新しいプロダクト キー" in page.body


def test_the_language_switch_is_remembered_over_the_text_and_the_browser(web):
    browser = web.browser("ja")
    page = browser.get("/")
    switch = re.search(r'<form class="langs".*?</form>', page.body, re.S)[0]
    assert 'value="lang:en"' in switch and 'value="lang:ja"' in switch
    page = browser.turn(page, action="lang:en")
    assert page.lang == "en" and "I'll answer in English from now on" in page.body
    page = browser.turn(page, text=EXPIRED_JA)
    assert page.lang == "en" and "Do you have another, newer product key" in page.body


def test_start_over_begins_again(web):
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text=EXPIRED_EN)
    page = browser.turn(page, action="restart")
    assert "OK, let's start again." in page.body and page.choices == []


def test_an_empty_message_re_shows_the_form_with_a_labelled_error(web):
    browser = web.browser("en")
    page = browser.get("/")
    answer = browser.post("/turn", {"csrf": page.csrf, "text": "   "})
    assert answer.status == 422
    assert 'role="alert"' in answer.body and "Type or paste a message first." in answer.body
    assert 'aria-describedby="message-error"' in answer.body
    assert browser.get("/").turns == 1


def test_script_and_stylesheet_are_served_by_keyhelp_itself(web):
    browser = web.browser()
    page = browser.get("/")
    assert re.findall(r'<script src="([^"]+)"', page.body) == ["/static/keyhelp.js"]
    assert "<script>" not in page.body and " style=" not in page.body
    script = browser.get("/static/keyhelp.js")
    assert script.status == 200 and script.header("Content-Type").startswith("text/javascript")
    assert "http" not in re.sub(r"//.*", "", script.body), "nothing from another site"
    css = browser.get("/static/keyhelp.css")
    assert css.status == 200 and css.header("Content-Type").startswith("text/css")
    assert browser.get("/static/../settings.py").status == 404


def test_unknown_paths_and_methods_get_a_page_not_a_traceback(web):
    browser = web.browser()
    assert browser.get("/nowhere").status == 404
    answer = browser.request("DELETE", "/")
    assert answer.status == 405 and answer.header("Allow") == "GET, HEAD"
    assert browser.get("/turn").status == 405


def test_a_third_language_from_the_rules_file_needs_no_change_to_the_page(start_web):
    web = start_web(env={"KEYHELP_RULES": str(THREE_LOCALES)})
    page = web.browser("zh-CN,zh;q=0.9").get("/")
    assert page.lang == "zh-Hans"
    switch = re.search(r'<form class="langs".*?</form>', page.body, re.S)[0]
    assert re.findall(r'value="lang:([^"]+)"', switch) == ["ja", "zh-Hans", "en"]
    assert 'lang="zh-Hans" aria-describedby="lang-label" aria-pressed="true">简体中文' in switch


def test_a_closed_server_leaves_no_request_threads_behind(start_web):
    import threading

    before = {t.ident for t in threading.enumerate()}
    web = start_web()
    web.browser().get("/healthz")
    web.close()
    left = [t.name for t in threading.enumerate()
            if t.ident not in before and t.is_alive() and t.name.startswith("waitress")]
    assert left == []  # (the recogniser's warm-up thread ends by itself)
