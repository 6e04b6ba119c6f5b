"""The page in a real browser (headless Chromium): whole conversations in Japanese and English,
with and without JavaScript, keyboard only, at phone width, and checked with axe-core."""

from __future__ import annotations

import pytest
from browser import DESKTOP, PHONE, axe_source, axe_violations, chromium, screenshot, viewport
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

KEY = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
CONVERSATIONS = {
    "ja": {"message": f"このプロダクト キーは有効期限が切れています {KEY}",
           "question": "ほかに未使用の新しいプロダクト キーをお持ちですか",
           "answer": "別のキーはない", "summary": "ヘルプデスク向けの要約",
           "copy": "要約をコピー"},
    "en": {"message": f"The product key you entered has expired {KEY}",
           "question": "Do you have another, newer product key",
           "answer": "No other key", "summary": "Summary for the helpdesk",
           "copy": "Copy the summary"},
}


@pytest.fixture(scope="session")
def axe() -> str:
    return axe_source()


@pytest.fixture
def browsers():
    """Factory of headless Chromiums, all closed after the test."""
    opened = []

    def open_browser(**kwargs):
        driver = chromium(**kwargs)
        opened.append(driver)
        return driver

    yield open_browser
    for driver in opened:
        driver.quit()


def _main_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


def _wait_for(driver, text: str) -> None:
    # the script swaps <main> for the new one: an element read mid-swap is stale, read again
    WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: text in _main_text(d), f"never showed {text!r}")


def _button(driver, label: str):
    return driver.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_whole_conversation_to_the_hand_off(web, browsers, lang, javascript):
    words = CONVERSATIONS[lang]
    driver = browsers(javascript=javascript, language="en-US" if lang == "en" else "ja-JP")
    base = f"http://127.0.0.1:{web.port}/"
    driver.get(base)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    driver.find_element(By.ID, "message").send_keys(words["message"])
    _button(driver, "Send" if lang == "en" else "送信").click()
    _wait_for(driver, words["question"])
    # with the script a turn updates the page in place; without it the form posts and the
    # browser follows the redirect to the latest turn
    assert driver.current_url == (base if javascript else base + "#latest")
    assert "XXXXX-XXXXX-XXXXX-XXXXX-38VGK" in _main_text(driver)
    assert KEY not in driver.page_source
    shots = screenshot(driver, f"{lang}-{'js' if javascript else 'no-js'}-1-question")
    _button(driver, words["answer"]).click()
    _wait_for(driver, words["summary"])
    copy = driver.find_element(By.CSS_SELECTOR, "button.copy")
    assert copy.is_displayed() == javascript, "the copy button needs the script"
    assert copy.text == (words["copy"] if javascript else "")
    shots += screenshot(driver, f"{lang}-{'js' if javascript else 'no-js'}-2-hand-off")
    turns = len(driver.find_elements(By.CSS_SELECTOR, "li.turn"))
    driver.refresh()
    _wait_for(driver, words["summary"])
    assert len(driver.find_elements(By.CSS_SELECTOR, "li.turn")) == turns, "nothing replayed"
    assert all(path.stat().st_size > 10_000 for path in shots)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_serious_or_critical_accessibility_violation(web, browsers, axe, lang):
    words = CONVERSATIONS[lang]
    driver = browsers(javascript=True, language="en-US" if lang == "en" else "ja-JP")
    driver.get(f"http://127.0.0.1:{web.port}/")
    found = {"welcome": axe_violations(driver, axe)}
    driver.find_element(By.ID, "message").send_keys(words["message"])
    driver.find_element(By.CSS_SELECTOR, "button.primary").click()
    _wait_for(driver, words["question"])
    found["question"] = axe_violations(driver, axe)
    _button(driver, words["answer"]).click()
    _wait_for(driver, words["summary"])
    found["hand-off"] = axe_violations(driver, axe)
    viewport(driver, DESKTOP)
    found["hand-off, desktop"] = axe_violations(driver, axe)
    driver.get(f"http://127.0.0.1:{web.port}/nowhere")
    found["not found"] = axe_violations(driver, axe)
    serious = {page: [v for v in violations if v["impact"] in ("serious", "critical")]
               for page, violations in found.items()}
    assert serious == {page: [] for page in found}


def test_keyboard_alone_completes_a_turn_with_focus_always_visible(web, browsers):
    driver = browsers(javascript=True)
    driver.get(f"http://127.0.0.1:{web.port}/")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # the first stop is the skip link
    assert driver.switch_to.active_element.get_attribute("class") == "skip"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    field = driver.find_element(By.ID, "message")
    assert driver.switch_to.active_element == field, "the skip link lands in the message box"
    field.send_keys(CONVERSATIONS["en"]["message"])
    field.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element  # the screenshot field, then Send
    assert focused.get_attribute("id") == "image"
    assert focused.value_of_css_property("outline-style") != "none", "focus is visible"
    ActionChains(driver).send_keys(Keys.TAB).perform()  # a file input's keys are a path
    focused = driver.switch_to.active_element
    assert focused.text == "Send"
    assert focused.value_of_css_property("outline-style") != "none", "focus is visible"
    focused.send_keys(Keys.ENTER)
    _wait_for(driver, CONVERSATIONS["en"]["question"])
    # after the update, focus is on the latest turn, and the answers are the next tab stops
    assert driver.switch_to.active_element.get_attribute("id") == "latest"
    driver.switch_to.active_element.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.text == "I have another key"
    assert focused.value_of_css_property("outline-style") != "none"
    focused.send_keys(Keys.SPACE)
    _wait_for(driver, "Enter the newer key on the redemption page")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_readable_at_phone_width_without_sideways_scrolling(web, browsers, lang):
    words = CONVERSATIONS[lang]
    driver = browsers(javascript=True, size=PHONE)
    driver.get(f"http://127.0.0.1:{web.port}/")
    driver.find_element(By.ID, "message").send_keys(words["message"] + " " + "x" * 120)
    driver.find_element(By.CSS_SELECTOR, "button.primary").click()
    _wait_for(driver, words["question"] if lang == "en" else "ほかに")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert driver.execute_script("return window.innerWidth") == PHONE[0]
    assert width <= PHONE[0], "no sideways scrolling"
    size = driver.find_element(By.CSS_SELECTOR, ".reply p").value_of_css_property("font-size")
    assert float(size.removesuffix("px")) >= 16


@pytest.fixture(scope="module")
def rendered(knowledge, tmp_path_factory):
    """Redemption pages rendered by headless Chromium (tests/screenshots/pages.py)."""
    from tests.screenshots.pages import require, session_pages

    require(pages=True, ocr=True)
    return {(p.intent, p.lang): p for p in session_pages(knowledge, tmp_path_factory.getbasetemp())}


SCREENSHOT = {"ja": {"question": "有効期限が切れたキーは自分では延長できません", "send": "送信",
                     "refused": "読み取れる画像（PNG、JPEG、WebP）ではありません"},
              "en": {"question": "An expired key can't be extended by you", "send": "Send",
                     "refused": "isn't an image I can read (PNG, JPEG or WebP)"}}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_screenshot_chosen_in_the_forms_file_field_gets_its_question(
        web, browsers, axe, rendered, tmp_path, lang, javascript):
    from tests.screenshots.pages import leaked

    words, page = SCREENSHOT[lang], rendered[("key-expired", lang)]
    driver = browsers(javascript=javascript, language="en-US" if lang == "en" else "ja-JP")
    driver.get(f"http://127.0.0.1:{web.port}/")
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("the product key is 7KX2M-QH4PD-R9TBW-C6FYJ-38VGK")
    driver.find_element(By.ID, "image").send_keys(str(not_an_image))
    _button(driver, words["send"]).click()
    _wait_for(driver, words["refused"])  # explained under the field, in the page's language
    field = driver.find_element(By.ID, "image")
    assert field.get_attribute("aria-invalid") == "true"
    found = {"refused": axe_violations(driver, axe)} if javascript else {}
    field.send_keys(str(page.path))
    _button(driver, words["send"]).click()
    _wait_for(driver, words["question"])
    assert not leaked(page.key, driver.page_source)
    shots = screenshot(driver, f"{lang}-{'js' if javascript else 'no-js'}-screenshot-question")
    assert all(path.stat().st_size > 10_000 for path in shots)
    if javascript:
        found["question"] = axe_violations(driver, axe)
        serious = {name: [v for v in violations if v["impact"] in ("serious", "critical")]
                   for name, violations in found.items()}
        assert serious == {name: [] for name in found}


PASTE = """
const [data, done] = [arguments[0], arguments[arguments.length - 1]];
const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
const pasted = new DataTransfer();
pasted.items.add(new File([bytes], "image.png", {type: "image/png"}));
document.getElementById("message").dispatchEvent(
  new ClipboardEvent("paste", {clipboardData: pasted, bubbles: true, cancelable: true}));
const field = document.getElementById("image");
done([field.files.length, document.getElementById("paste-status").textContent]);
"""


def test_a_screenshot_pasted_into_the_page_is_sent_with_the_form(web, browsers, rendered):
    import base64

    page = rendered[("key-expired", "en")]
    driver = browsers(javascript=True)
    driver.get(f"http://127.0.0.1:{web.port}/")
    assert driver.find_element(By.ID, "paste-hint").is_displayed(), "the script offers paste"
    files, status = driver.execute_async_script(
        PASTE, base64.b64encode(page.path.read_bytes()).decode())
    assert (files, status) == (1, "Screenshot pasted: it is sent with the message.")
    _button(driver, "Send").click()
    _wait_for(driver, SCREENSHOT["en"]["question"])
    assert "(screenshot)" in _main_text(driver)
