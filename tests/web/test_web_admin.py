"""/admin: the helpdesk lead's report behind KEYHELP_ADMIN_TOKEN, with the counts that the
page's own conversations made; checked in headless Chromium (charts drawn, no console error)."""

from __future__ import annotations

import base64
import re

import pytest
from browser import chromium, screenshot
from selenium.webdriver.common.by import By

TOKEN = "admin-token-0123456789abcdef"
EXPIRED = "The product key you entered has expired. Enter a different key"
KEY = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"


def _converse(web) -> None:
    browser = web.browser()
    page = browser.turn(browser.get(), text=EXPIRED)
    browser.turn(page, action="answer:other-key:no-other")  # escalated: an outcome needs a person
    other = web.browser()
    other.turn(other.get(), text=f"what is the weather like {KEY} in the vpn")  # not recognised


def _admin(web, header: str | None):
    return web.browser().request("GET", "/admin",
                                 headers={"Authorization": header} if header else {})


def test_without_a_token_configured_there_is_no_admin_page(web):
    assert _admin(web, f"Bearer {TOKEN}").status == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-0123456789", "Basic !!!",
                                    "Basic " + base64.b64encode(b"lead:nope").decode()])
def test_a_missing_or_wrong_token_is_refused_with_a_challenge(start_web, header):
    web = start_web(env={"KEYHELP_ADMIN_TOKEN": TOKEN})
    answer = _admin(web, header)
    assert answer.status == 401 and answer.header("WWW-Authenticate").startswith("Basic")
    assert "<svg" not in answer.body


def test_the_report_counts_the_pages_own_conversations(start_web):
    web = start_web(env={"KEYHELP_ADMIN_TOKEN": TOKEN})
    _converse(web)
    basic = "Basic " + base64.b64encode(f"lead:{TOKEN}".encode()).decode()
    answer = _admin(web, basic)
    assert answer.status == 200 and answer.body.count("<svg") >= 4
    assert "script-src" not in answer.header("Content-Security-Policy")
    assert "frame-ancestors 'none'" in answer.header("Content-Security-Policy")
    row = re.search(r"<tr><td>key-expired</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>",
                    answer.body)
    assert row and row.groups() == ("1", "0", "1")  # started, solved, escalated
    assert "what is the weather like" in answer.body and KEY not in answer.body
    assert _admin(web, f"Bearer {TOKEN}").status == 200


def test_a_short_admin_token_is_refused_at_start(start_web):
    from bot.channels.web.settings import SettingsError

    with pytest.raises(SettingsError, match="KEYHELP_ADMIN_TOKEN is too short"):
        start_web(env={"KEYHELP_ADMIN_TOKEN": "short"})


def test_the_report_renders_in_chromium_with_charts_and_no_console_error(start_web):
    web = start_web(env={"KEYHELP_ADMIN_TOKEN": TOKEN})
    _converse(web)
    driver = chromium(javascript=True, size=(1280, 800))
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                               {"headers": {"Authorization": f"Bearer {TOKEN}"}})
        driver.get(f"http://127.0.0.1:{web.port}/admin?since=30d")
        assert driver.title.startswith("keyhelp report")
        charts = driver.find_elements(By.CSS_SELECTOR, "section svg")
        assert len(charts) >= 4
        bars = driver.find_elements(By.CSS_SELECTOR, "#outcomes svg rect")
        assert bars and all(bar.size["width"] > 0 for bar in bars)
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
        written = screenshot(driver, "admin-report")
        assert all(path.stat().st_size > 5000 for path in written)
    finally:
        driver.quit()
