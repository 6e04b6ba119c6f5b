"""Hand-off from the web page to a real webhook receiver (and Slack's API, faked on 127.0.0.1).

The page must say truly what happened: sent (with a reference), or not, and what to do next.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sys
import time
from pathlib import Path

import pytest
from web_secrets import HOOK_SECRET

sys.path.insert(0, str(Path(__file__).parent.parent / "slack"))
from fake_slack import FakeSlack

EXPIRED = "The product key you entered has expired 7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
NO_OTHER = "answer:other-key:no-other"


def _escalate(web):
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text=EXPIRED)
    return browser.turn(page, action=NO_OTHER)


@pytest.fixture
def hooked(start_web, receiver):
    return start_web(env={"KEYHELP_HANDOFF_WEBHOOK": receiver.url,
                          "KEYHELP_HANDOFF_SECRET": HOOK_SECRET})


def test_the_summary_is_posted_as_signed_json_and_the_page_says_sent(hooked, receiver):
    page = _escalate(hooked)
    (delivery,) = receiver.received
    headers = {k.lower(): v for k, v in delivery.headers.items()}
    timestamp = headers["x-keyhelp-request-timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = "v0=" + hmac.new(HOOK_SECRET.encode(), b"v0:" + timestamp.encode() + b":"
                                + delivery.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-keyhelp-signature"], expected)
    assert headers["content-type"] == "application/json; charset=utf-8"
    document = json.loads(delivery.body)
    assert headers["x-keyhelp-delivery"] == document["id"]
    assert document["type"] == "keyhelp.handoff" and document["version"] == 1
    assert document["intent"] == "key-expired" and document["reason"] == "outcome"
    assert document["masked_key"] == "XXXXX-XXXXX-XXXXX-XXXXX-38VGK"
    assert document["answers"][0]["answer"] == "No other key"
    assert document["transcript"][0] == {"role": "user", "text": EXPIRED.replace(
        "7KX2M-QH4PD-R9TBW-C6FYJ", "XXXXX-XXXXX-XXXXX-XXXXX")}
    assert "Summary for the helpdesk" in document["text"]
    assert f"sent to the helpdesk's ticket system (reference {document['id']})" in page.body


def test_documented_payload_fields_are_exactly_the_ones_sent(hooked, receiver):
    _escalate(hooked)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Hand-off webhook", 1)[1].split("\n## ", 1)[0]
    documented = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    assert set(json.loads(receiver.received[0].body)) == set(documented)


def test_server_errors_are_retried_with_the_same_delivery_then_it_counts_as_sent(
        hooked, receiver, caplog):
    receiver.fail(503, 502)
    with caplog.at_level(logging.WARNING, logger="keyhelp.web.handoff"):
        page = _escalate(hooked)
    assert len(receiver.received) == 3
    assert [r.getMessage().split(";")[0] for r in caplog.records
            if r.name == "keyhelp.web.handoff"] == [
        "hand-off webhook: HTTP 503", "hand-off webhook: HTTP 502"]
    assert len({r.headers["X-Keyhelp-Delivery"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    assert "sent to the helpdesk's ticket system" in page.body


def test_a_429_waits_as_told_before_the_retry(hooked, receiver):
    receiver.fail(429, headers={"Retry-After": "1"})
    started = time.monotonic()
    page = _escalate(hooked)
    assert len(receiver.received) == 2 and "sent to the helpdesk" in page.body
    assert time.monotonic() - started >= 1.0


def test_when_retries_run_out_the_page_says_it_was_not_sent(hooked, receiver):
    receiver.fail(500, 500, 500, 500, 500)
    page = _escalate(hooked)
    assert len(receiver.received) == 4, "one attempt and three retries, no more"
    assert "could not be sent to the helpdesk's ticket system" in page.body
    assert "copy it and send it to your helpdesk yourself" in page.body
    assert 'class="summary"' in page.body


def test_a_refusal_by_the_receiver_is_not_retried(hooked, receiver):
    receiver.fail(401)
    page = _escalate(hooked)
    assert len(receiver.received) == 1
    assert "could not be sent" in page.body


def test_an_unreachable_webhook_is_reported_truly(start_web, receiver):
    url = receiver.url
    receiver.close()  # nothing listens there any more: connections are refused
    web = start_web(env={"KEYHELP_HANDOFF_WEBHOOK": url, "KEYHELP_HANDOFF_SECRET": HOOK_SECRET})
    page = _escalate(web)
    assert "could not be sent" in page.body and "reference" not in page.body


def test_reloading_the_page_does_not_send_the_summary_again(hooked, receiver):
    browser = hooked.browser("en")
    page = browser.turn(browser.turn(browser.get("/"), text=EXPIRED), action=NO_OTHER)
    assert browser.get("/").body == page.body
    assert len(receiver.received) == 1


def test_the_summary_goes_to_the_slack_support_channel_when_configured(start_web):
    fake = FakeSlack().start()
    try:
        web = start_web(env={"KEYHELP_SUPPORT_CHANNEL": "C0SUPPORT",
                             "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake.url})
        page = _escalate(web)
        (post,) = [c for c in fake.calls if c.method == "chat.postMessage"]
        assert post["channel"] == "C0SUPPORT"
        assert "*Handed over by keyhelp* — from the web page, reference KH-" in post["text"]
        assert "XXXXX-XXXXX-XXXXX-XXXXX-38VGK" in post["text"]
        assert "7KX2M" not in post["text"]
        assert "posted to the helpdesk's Slack channel (reference KH-" in page.body
    finally:
        fake.close()


def test_a_slack_failure_is_reported_truly(start_web):
    fake = FakeSlack().start()
    try:
        web = start_web(env={"KEYHELP_SUPPORT_CHANNEL": "C0SUPPORT",
                             "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake.url})
        fake.fail("chat.postMessage", 500, times=5)
        page = _escalate(web)
        assert "could not be posted to the helpdesk's Slack channel" in page.body
    finally:
        fake.close()
