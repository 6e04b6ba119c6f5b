"""Security over real HTTP: headers, CSRF, rate limit, size cap, and escaping of user text."""

from __future__ import annotations

import http.client
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from bot.channels.web.headers import CONTENT_SECURITY_POLICY

INJECTIONS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "{{ 7*7 }} {% raw %}",
    "&lt;b&gt; & <b>bold</b>",
    "<!-- --><iframe src=//evil.example>",
)


def test_every_response_carries_the_security_headers(web):
    browser = web.browser()
    for answer in (browser.get("/"), browser.get("/static/keyhelp.js"), browser.get("/nowhere"),
                   browser.post("/turn", {"text": "x"})):
        csp = answer.header("Content-Security-Policy")
        assert csp == CONTENT_SECURITY_POLICY, answer.status
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert answer.header("X-Content-Type-Options") == "nosniff"
        assert answer.header("Referrer-Policy") == "no-referrer"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(web):
    browser = web.browser("en")
    page = browser.get("/")
    assert browser.post("/turn", {"text": "key expired"}).status == 403
    tampered = page.csrf[:-1] + ("1" if page.csrf.endswith("0") else "0")  # never the token
    assert browser.post("/turn", {"csrf": tampered, "text": "x"}).status == 403
    assert browser.post("/turn", {"csrf": "", "action": "restart"}).status == 403
    assert browser.get("/").turns == 1


def test_another_sessions_token_or_no_cookie_is_refused(web):
    alice, mallory = web.browser(), web.browser()
    token = alice.get("/").csrf
    mallory.get("/")
    assert mallory.post("/turn", {"csrf": token, "text": "x"}).status == 403
    stranger = web.browser()
    answer = stranger.post("/turn", {"csrf": token, "text": "x"})
    assert answer.status == 403 and "Nothing was sent" in answer.body


def test_over_the_rate_limit_the_client_gets_429_with_retry_after(start_web):
    web = start_web(env={"KEYHELP_WEB_RATE_LIMIT": "3"})
    browser = web.browser("en")
    page = browser.get("/")
    answers = [browser.post("/turn", {"csrf": page.csrf, "text": "expired"}) for _ in range(3)]
    assert [a.status for a in answers] == [303, 303, 429]
    limited = answers[-1]
    wait = int(limited.header("Retry-After"))
    assert 1 <= wait <= 60
    assert f"Wait {wait} seconds" in limited.body
    assert web.browser().get("/healthz").status == 200, "health checks are never limited"


def test_behind_the_trusted_proxy_each_client_has_its_own_limit_and_cookies_are_secure(
        start_web):
    web = start_web(env={"KEYHELP_WEB_RATE_LIMIT": "2"}, trusted_proxy="127.0.0.1")
    alice, bob = web.browser(), web.browser()
    alice_says = {"X-Forwarded-For": "10.0.0.1", "X-Forwarded-Proto": "https"}
    first = alice.request("GET", "/", headers=alice_says)
    assert "Secure" in first.header("Set-Cookie")
    assert first.header("Strict-Transport-Security") == "max-age=31536000"
    assert alice.request("GET", "/", headers=alice_says).status == 200
    assert alice.request("GET", "/", headers=alice_says).status == 429
    bob_says = {"X-Forwarded-For": "10.0.0.2", "X-Forwarded-Proto": "https"}
    assert bob.request("GET", "/", headers=bob_says).status == 200


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(start_web):
    web = start_web(env={"KEYHELP_WEB_RATE_LIMIT": "1"})
    browser = web.browser()
    spoofed = {"X-Forwarded-For": "10.0.0.9", "X-Forwarded-Proto": "https"}
    first = browser.request("GET", "/", headers=spoofed)
    assert "Secure" not in first.header("Set-Cookie")
    assert first.header("Strict-Transport-Security") is None
    other = {"X-Forwarded-For": "10.0.0.10"}
    assert browser.request("GET", "/", headers=other).status == 429, "one client, one bucket"


def test_a_body_over_the_size_cap_gets_413_before_it_is_read(start_web):
    web = start_web(env={"KEYHELP_WEB_MAX_BYTES": "2048"})
    browser = web.browser("en")
    page = browser.get("/")
    answer = browser.post("/turn", {"csrf": page.csrf, "text": "x" * 3000})
    assert answer.status == 413 and "too much to send at once" in answer.body
    assert browser.get("/").turns == 1


def test_a_chunked_body_over_the_size_cap_is_cut_off_too(start_web):
    web = start_web(env={"KEYHELP_WEB_MAX_BYTES": "2048"})
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    try:
        connection.request("POST", "/turn", body=iter([b"text=" + b"x" * 4096]),
                           headers={"Content-Type": "application/x-www-form-urlencoded"},
                           encode_chunked=True)
        assert connection.getresponse().status == 413
    finally:
        connection.close()


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injected_markup_in_a_message_is_shown_as_text(web, attack):
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text=attack)
    assert f'<span class="who">You:</span> {escape(attack)}</p>' in page.body
    if attack != escape(attack):
        assert attack not in page.body


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from("<>&\"'/=ab x\n"), min_size=1, max_size=40)
       .filter(lambda t: t.strip()))
def test_no_user_text_reaches_the_page_unescaped(web, text):
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text=text)
    said = page.body.split('<span class="who">You:</span> ', 1)[1].split("</p>", 1)[0]
    assert "<" not in said and ">" not in said and '"' not in said and "'" not in said
    assert unescape(said) == text
