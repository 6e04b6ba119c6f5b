"""The web page served by two instances on one PostgreSQL database: a session's turns, taken
through either, make one conversation, shown whole by both."""

from __future__ import annotations

EXPIRED_EN = "The product key you entered has expired. Enter a different key"


def test_a_session_alternating_between_instances_is_one_conversation(start_web, postgres_url,
                                                                     tmp_path):
    shared = {"KEYHELP_DATABASE_URL": postgres_url}
    one = start_web(env={**shared, "KEYHELP_DB": str(tmp_path / "one" / "k.db")})
    two = start_web(env={**shared, "KEYHELP_DB": str(tmp_path / "two" / "k.db")})
    browser = one.browser("en")
    page = browser.turn(browser.get("/"), text=EXPIRED_EN)  # through the first instance
    assert "Do you have another, newer product key" in page.body
    browser.port = two.port  # the load balancer sends the next request to the other one
    page = browser.get("/")
    assert "Do you have another, newer product key" in page.body  # the same page
    page = browser.turn(page, action="answer:other-key:no-other")
    assert "<span class=\"who\">You:</span> No other key" in page.body
    browser.port = one.port
    again = browser.get("/")
    assert again.body.count("<span class=\"who\">You:</span>") == page.body.count(
        "<span class=\"who\">You:</span>") == 2
    assert not (tmp_path / "one").exists() and not (tmp_path / "two").exists()
