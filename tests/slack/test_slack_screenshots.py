"""Screenshots shared in Slack, end to end: the fake Slack serves the file at
url_private_download and checks the bot token; the real orchestrator and Tesseract read it."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest
from fake_slack import FakeSlack
from slack_chat import REQUEST_FAILED_EN, Chat
from slack_checks import text_of
from slack_ids import WATCHED
from slack_requests import channel_message, dm_message, mention, new_ts

from bot.channels.slack.files import FileFetcher, job_file
from bot.channels.slack.places import Place
from bot.channels.slack.settings import SlackSettings
from bot.channels.slack.store import open_state
from bot.knowledge.model import Knowledge
from bot.understand.image.limits import Limits, Refused
from tests.screenshots.pages import Page, leaked, page_of, require, session_pages

TOKEN = "Bearer xoxb-test-token"


@pytest.fixture(scope="module")
def pages(knowledge: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    require(pages=True, ocr=True)
    return session_pages(knowledge, tmp_path_factory.getbasetemp())




def shared_file(fake: FakeSlack, page: Page, *, size: int | None = None,
                url: str | None = None) -> dict[str, Any]:
    """A file object as Slack puts it in a file_share message."""
    data = page.path.read_bytes()
    name = page.path.name
    return {"id": f"F{abs(hash(name)) % 10**8:08d}", "name": name, "title": name,
            "mimetype": "image/png", "filetype": "png",
            "size": len(data) if size is None else size,
            "url_private": url or fake.add_file(name, data),
            "url_private_download": url or fake.add_file(name, data)}


def with_file(event: dict[str, Any], file: dict[str, Any]) -> dict[str, Any]:
    return {**event, "subtype": "file_share", "files": [file]}


@pytest.fixture
def bot(start_bot):
    return start_bot()


@pytest.mark.parametrize(("user", "lang", "question"), [
    ("UJAPAN", "ja", "有効期限が切れたキーは自分では延長できません"),
    ("UENGLISH", "en", "An expired key can't be extended by you"),
])
def test_a_screenshot_dm_gets_the_right_first_question(
        bot, pages: list[Page], caplog: pytest.LogCaptureFixture, user: str, lang: str,
        question: str) -> None:
    caplog.set_level(logging.DEBUG)
    page = page_of(pages, "key-expired", lang)
    event = with_file(dm_message("", user=user), shared_file(bot.fake, page))
    assert bot.send.event(event).status == 200
    [reply] = Chat(bot, user=user).posts(1)
    assert question in text_of(reply.args)
    assert bot.fake.downloads == [(page.path.name, TOKEN)]
    assert not leaked(page.key, str(bot.fake.calls), caplog.text)


def test_a_file_on_any_other_host_is_not_fetched_and_the_user_is_told(bot,
                                                                      pages: list[Page]) -> None:
    elsewhere = FakeSlack().start()  # same address, another port: not the configured API
    try:
        page = page_of(pages, "key-expired", "en")
        url = elsewhere.add_file(page.path.name, page.path.read_bytes())
        event = with_file(dm_message("", user="UENGLISH"), shared_file(bot.fake, page, url=url))
        bot.send.event(event)
        [reply] = Chat(bot, user="UENGLISH").posts(1)
        assert "couldn't download that image from Slack" in text_of(reply.args)
        assert elsewhere.downloads == [] and bot.fake.downloads == []
    finally:
        elsewhere.close()


def test_a_file_too_large_by_its_size_is_not_downloaded(bot, pages: list[Page]) -> None:
    page = page_of(pages, "key-expired", "ja")
    big = shared_file(bot.fake, page, size=11 * 1024 * 1024)
    bot.send.event(with_file(dm_message("", user="UJAPAN"), big))
    [reply] = Chat(bot, user="UJAPAN").posts(1)
    assert "上限は 10 MB" in text_of(reply.args)
    assert bot.fake.downloads == []


@pytest.mark.parametrize("length_header", [True, False])
def test_a_file_larger_than_it_said_is_cut_off_while_downloading(
        start_bot, pages: list[Page], monkeypatch: pytest.MonkeyPatch,
        length_header: bool) -> None:
    monkeypatch.setenv("KEYHELP_IMAGE_MAX_MB", "1")
    bot = start_bot()
    bot.fake.file_length_header = length_header
    page = page_of(pages, "key-expired", "en")
    lying = shared_file(bot.fake, page, size=1000)
    bot.fake.files[page.path.name] = page.path.read_bytes() + b"\0" * (1024 * 1024)
    bot.send.event(with_file(dm_message("", user="UENGLISH"), lying))
    [reply] = Chat(bot, user="UENGLISH").posts(1)
    assert "the limit is 1 MB" in text_of(reply.args)
    assert bot.fake.downloads == [(page.path.name, TOKEN)]


def test_a_mention_with_a_screenshot_is_answered_in_its_thread(bot, pages: list[Page]) -> None:
    page = page_of(pages, "admin-role-required", "en")
    ts = new_ts()
    event = with_file(mention("<@UKEYHELP>", user="UENGLISH", channel="C0HELP", ts=ts),
                      shared_file(bot.fake, page))
    bot.send.event(event)
    [reply] = Chat(bot, user="UENGLISH").posts(1)
    assert reply["thread_ts"] == ts and reply["channel"] == "C0HELP"
    assert "global or billing admin" in text_of(reply.args).lower() or \
        "administrator" in text_of(reply.args).lower()


def test_a_watched_channel_screenshot_is_answered_only_when_it_shows_an_error(
        bot, pages: list[Page]) -> None:
    blank = page_of(pages, "", "en")
    bot.send.event(with_file(channel_message("", user="UENGLISH", channel=WATCHED),
                             shared_file(bot.fake, blank)))
    bot.fake.wait_for(lambda _calls: len(bot.fake.downloads) == 1)
    bot.idle()
    assert bot.fake.calls_to("chat.postMessage") == []  # no error on it: silence
    error = page_of(pages, "order-failed", "ja")
    ts = new_ts()
    bot.send.event(with_file(channel_message("", user="UJAPAN", channel=WATCHED, ts=ts),
                             shared_file(bot.fake, error)))
    [reply] = Chat(bot, user="UJAPAN").posts(1)
    assert reply["thread_ts"] == ts and "どの製品のキーですか" in text_of(reply.args)


def test_text_conversations_go_on_while_a_screenshot_is_being_fetched_and_read(
        bot, pages: list[Page]) -> None:
    bot.fake.hold("file")
    try:
        page = page_of(pages, "key-expired", "en")
        answer = bot.send.event(with_file(dm_message("", user="UENGLISH"),
                                          shared_file(bot.fake, page)))
        assert answer.status == 200  # acked while the download has not even been answered
        bot.fake.wait_waiting("file")
        bot.send.event(dm_message(REQUEST_FAILED_EN, user="UOTHER", channel="D0OTHER"))
        [other] = bot.fake.wait_calls("chat.postMessage", 1)
        assert other["channel"] == "D0OTHER" and "15 minutes" in text_of(other.args)
    finally:
        bot.fake.release("file")
    replies = bot.fake.wait_calls("chat.postMessage", 2)
    assert "An expired key can't be extended" in text_of(replies[1].args)


def test_a_screenshot_beyond_the_pools_bound_gets_busy_at_once(
        start_bot, pages: list[Page], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYHELP_OCR_WORKERS", "1")
    monkeypatch.setenv("KEYHELP_OCR_QUEUE", "0")
    bot = start_bot()
    page = page_of(pages, "key-expired", "en")
    bot.fake.hold("file")
    try:
        bot.send.event(with_file(dm_message("", user="UENGLISH"), shared_file(bot.fake, page)))
        bot.fake.wait_waiting("file")  # the one worker is busy fetching
        bot.send.event(with_file(dm_message("", user="UJAPAN", channel="D0OTHER"),
                                 shared_file(bot.fake, page_of(pages, "key-expired", "ja"))))
        [busy] = bot.fake.wait_calls("chat.postMessage", 1)
        assert busy["channel"] == "D0OTHER"
        assert "多くのスクリーンショットを読み取っています" in text_of(busy.args)
    finally:
        bot.fake.release("file")
    replies = bot.fake.wait_calls("chat.postMessage", 2)
    assert "An expired key can't be extended" in text_of(replies[1].args)


@pytest.mark.parametrize("length_header", [True, False])
def test_the_download_itself_stops_at_the_limit(fake_slack: FakeSlack,
                                                length_header: bool) -> None:
    fake_slack.file_length_header = length_header
    url = fake_slack.add_file("big.png", b"\x89PNG" + b"\0" * (3 * 1024 * 1024))
    fetcher = FileFetcher(token="xoxb-test-token", api_url=fake_slack.url,
                          limits=Limits(max_bytes=1024 * 1024))
    with pytest.raises(Refused) as refused:  # not the bytes, for the reader to refuse later
        fetcher.fetch({"size": 100, "url_private_download": url})
    assert refused.value.reason == "too-large"
    small = fake_slack.add_file("small.png", b"\x89PNG small")
    assert fetcher.fetch({"size": 10, "url_private_download": small}) == b"\x89PNG small"
    assert {auth for _, auth in fake_slack.downloads} == {TOKEN}


def test_a_message_sent_while_a_screenshot_is_read_is_answered_after_it(
        bot, pages: list[Page]) -> None:
    bot.fake.hold("file")
    try:
        page = page_of(pages, "key-expired", "en")
        bot.send.event(with_file(dm_message("", user="UENGLISH"), shared_file(bot.fake, page)))
        bot.fake.wait_waiting("file")
        assert bot.send.event(dm_message("why?", user="UENGLISH")).status == 200
        bot.idle()  # no worker waits for the reading
        assert bot.fake.calls_to("chat.postMessage") == []  # the question comes first
    finally:
        bot.fake.release("file")
    question, why = Chat(bot, user="UENGLISH").posts(2)
    assert "An expired key can't be extended" in text_of(question.args)
    assert "An expired key can't be extended" not in text_of(why.args)


def test_a_screenshot_claimed_by_an_instance_that_died_is_read_again_and_answered(
        start_bot, slack_env: dict[str, str], pages: list[Page],
        caplog: pytest.LogCaptureFixture) -> None:
    bot = start_bot(env={"KEYHELP_LEASE_SECONDS": "1"})
    dead = open_state(SlackSettings.from_env(slack_env, mode="http"))
    try:
        page = page_of(pages, "key-expired", "ja")
        place = Place.dm(user="UJAPAN", channel="D0DIRECT")
        shared = shared_file(bot.fake, page)
        assert dead.claim_job("EvDEAD", place.conversation, {
            "kind": "screenshot", "user": "UJAPAN", "file": job_file(shared), "watched": False,
            "place": dataclasses.asdict(place)}) == 1
        dead.release()
        [reply] = Chat(bot, user="UJAPAN").posts(1)
        assert "有効期限が切れたキーは自分では延長できません" in text_of(reply.args)
        assert "took over job 1" in caplog.text
        assert bot.fake.downloads == [(page.path.name, TOKEN)]
        assert not leaked(page.key, str(bot.fake.calls), caplog.text)
    finally:
        dead.close()
