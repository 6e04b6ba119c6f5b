"""Screenshots uploaded on the web page, over real HTTP: real rendered redemption pages read by
the real OCR pool; refusals (too large, not an image, a bomb, no CSRF token, busy) explained
in the page's language with nothing stored; never a piece of the key in a page, store or log."""

from __future__ import annotations

import http.client
import io
import logging
import threading
from html import unescape
from pathlib import Path

import pytest
from PIL import Image

from bot.channels.web.session import COOKIE
from bot.dialogue.turns import SCREENSHOT_MARK
from bot.knowledge.model import Knowledge
from tests.screenshots.pages import Page, leaked, page_of, require, session_pages
from tests.screenshots.test_image_limits import png_header_claiming

FIRST_QUESTION = {"ja": "有効期限が切れたキーは自分では延長できません",
                  "en": "An expired key can't be extended by you"}
SCREENSHOT_LABEL = {"ja": "（スクリーンショット）", "en": "(screenshot)"}
REFUSED = {  # the same explanation as every channel's (templates/default/image.j2)
    "too-large": {"ja": "画像が大きすぎます（上限は 1 MB です）",
                  "en": "That image is too large (the limit is 1 MB)"},
    "not-image": {"ja": "読み取れる画像（PNG、JPEG、WebP）ではありません",
                  "en": "isn't an image I can read (PNG, JPEG or WebP)"},
    "too-many-pixels": {"ja": "画像の画素数が多すぎるため", "en": "too many pixels to read safely"},
    "busy": {"ja": "ただいま多くのスクリーンショットを読み取っています",
             "en": "I'm reading a lot of screenshots right now"},
    "unavailable": {"ja": "ここではスクリーンショットを読み取れません",
                    "en": "I can't read screenshots here"},
    "csrf": {"ja": "このフォームは期限切れか、このページから送られたものではありません",
             "en": "This form has expired or did not come from this page"},
}
ONE_MB = {"KEYHELP_IMAGE_MAX_MB": "1"}


@pytest.fixture(scope="module")
def pages(knowledge: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    require(pages=True, ocr=True)
    return session_pages(knowledge, tmp_path_factory.getbasetemp())




def stored(folder: Path) -> str:
    """Every byte the page's and the conversations' SQLite files hold (with WAL files)."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob("keyhelp*.db*"))).decode(
        "utf-8", "replace")


def conversation_of(web, browser):
    session = web.app.sessions.session_id(browser.cookies[COOKIE])
    return web.app.conversations.assistant.store.load("web-" + session)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_uploaded_screenshot_gets_the_errors_first_question_and_no_key_is_kept(
        start_web, pages, tmp_path, caplog, lang):
    caplog.set_level(logging.DEBUG)
    web = start_web()
    page = page_of(pages, "key-expired", lang)
    browser = web.browser(lang)
    history = [browser.get("/")]
    assert 'type="file"' in history[0].body and 'enctype="multipart/form-data"' in history[0].body
    answer = browser.upload(history[0], page.path.read_bytes())
    assert answer.status == 303, answer.body[:300]
    history.append(browser.get("/"))
    shown = history[-1]
    assert shown.lang == lang and FIRST_QUESTION[lang] in unescape(shown.body)
    assert SCREENSHOT_LABEL[lang] in unescape(shown.body)  # what the user sent, on the page
    (said,) = [line for role, line, _ in conversation_of(web, browser).history if role == "user"]
    assert said.startswith(f"{SCREENSHOT_MARK} ")  # the transcript: the mark, the masked text
    history.append(browser.turn(shown, action=shown.choices[0][0]))  # the dialogue goes on
    everything = [a.body for a in history] + [caplog.text, stored(tmp_path)]
    assert not leaked(page.key, *everything)


def test_a_screenshot_with_no_error_asks_for_the_text_and_is_recorded(start_web, pages):
    web = start_web()
    browser = web.browser("en")
    answer = browser.upload(browser.get("/"), page_of(pages, "", "en").path.read_bytes())
    assert answer.status == 303
    assert "I couldn't find an error message in that image" in unescape(browser.get("/").body)
    assert conversation_of(web, browser).history[-2][1].startswith(SCREENSHOT_MARK)


def test_the_message_form_still_sends_text_with_its_file_field_left_empty(start_web):
    web = start_web()
    browser = web.browser("en")
    page = browser.get("/")
    answer = browser.post_multipart("/turn", {"csrf": page.csrf, "text": "key expired"},
                                    {"image": ("", b"")})
    assert answer.status == 303
    assert "Do you have another, newer product key" in unescape(browser.get("/").body)


def _padded(page: Page, size: int) -> bytes:
    """A real screenshot made ``size`` bytes long (a PNG ignores what follows its end)."""
    data = page.path.read_bytes()
    return data + b"\0" * (size - len(data))


def _refusals(pages: list[Page]) -> dict[str, tuple[bytes, int, str]]:
    """name -> (file, status, reason): files the page refuses, each for its own reason."""
    screenshot = page_of(pages, "key-expired", "en")
    noise = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(noise, "GIF")
    return {
        # over 1 MB but within the request's cap (1 MB + the text's 16 KiB + a little)
        "too-large by content": (_padded(screenshot, 1024 * 1024 + 4096), 413, "too-large"),
        # over the request's cap: refused by Content-Length, before the body is parsed
        "too-large by header": (_padded(screenshot, 1024 * 1024 + 64 * 1024), 413, "too-large"),
        "not an image": (b"%PDF-1.7\n" + b"x" * 500, 422, "not-image"),
        "a GIF": (noise.getvalue(), 422, "not-image"),
        "a decompression bomb": (png_header_claiming(50_000, 50_000), 422, "too-many-pixels"),
    }


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("case", ["too-large by content", "too-large by header", "not an image",
                                  "a GIF", "a decompression bomb"])
def test_a_refused_image_is_explained_in_the_pages_language_and_nothing_is_stored(
        start_web, pages, tmp_path, caplog, lang, case):
    caplog.set_level(logging.DEBUG)
    web = start_web(env=ONE_MB)
    browser = web.browser(lang)
    page = browser.get("/")
    before = conversation_of(web, browser)
    key = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
    data, status, reason = _refusals(pages)[case]
    answer = browser.upload(page, data, text=f"my key {key}",
                            csrf=case != "too-large by header")  # the header alone decides
    assert answer.status == status, answer.body[:500]
    assert answer.lang == lang and REFUSED[reason][lang] in unescape(answer.body)
    if case != "too-large by header":  # the form is shown again, what was typed kept masked
        assert "my key XXXXX-XXXXX-XXXXX-XXXXX-38VGK" in unescape(answer.body)
        assert 'aria-invalid="true"' in unescape(answer.body)
    after = conversation_of(web, browser)
    assert (after.turns, after.history) == (before.turns, before.history)
    assert browser.get("/").turns == 1
    assert not leaked(key, answer.body, caplog.text, stored(tmp_path))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_upload_without_the_csrf_token_is_refused_unread(start_web, pages, tmp_path, lang):
    web = start_web()
    browser = web.browser(lang)
    page = browser.get("/")
    screenshot = page_of(pages, "key-expired", lang)
    answer = browser.upload(page, screenshot.path.read_bytes(), csrf=False)
    assert answer.status == 403 and REFUSED["csrf"][lang] in unescape(answer.body)
    stranger = web.browser(lang)  # another browser's token, no cookie of its own
    assert stranger.upload(page, screenshot.path.read_bytes()).status == 403
    assert browser.get("/").turns == 1
    assert not leaked(screenshot.key, stored(tmp_path))


def test_a_chunked_upload_over_the_cap_is_refused_as_too_large(start_web):
    web = start_web(env=ONE_MB)
    browser = web.browser("en")
    page = browser.get("/")
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
    boundary = "b0undary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{page.csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
            f'filename="big.png"\r\nContent-Type: image/png\r\n\r\n').encode()
    try:
        connection.request("POST", "/turn", body=iter([head, b"\0" * (1100 * 1024)]),
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                    "Cookie": f"{COOKIE}={browser.cookies[COOKIE]}"},
                           encode_chunked=True)
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    assert response.status == 413 and REFUSED["too-large"]["en"] in body
    assert browser.get("/").turns == 1


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_full_ocr_pool_answers_busy_at_once(start_web, pages, lang):
    web = start_web(env={"KEYHELP_OCR_WORKERS": "1", "KEYHELP_OCR_QUEUE": "0"})
    release = threading.Event()
    web.app.conversations.images.reader.pool.submit(release.wait)  # the one worker is taken
    try:
        browser = web.browser(lang)
        answer = browser.upload(browser.get("/"),
                                page_of(pages, "key-expired", lang).path.read_bytes())
    finally:
        release.set()
    assert answer.status == 503 and REFUSED["busy"][lang] in unescape(answer.body)
    assert browser.get("/").turns == 1


def test_without_ocr_there_is_no_upload_field_and_a_posted_image_is_explained(start_web):
    web = start_web(env={"KEYHELP_OCR_LANGS": "nosuchlanguage"})
    browser = web.browser("en")
    page = browser.get("/")
    assert 'type="file"' not in page.body
    answer = browser.upload(page, png_header_claiming(10, 10))
    assert answer.status == 503 and REFUSED["unavailable"]["en"] in unescape(answer.body)
    assert browser.get("/").turns == 1
