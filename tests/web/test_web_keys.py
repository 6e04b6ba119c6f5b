"""Product keys on the web page: checked and masked; no page ever contains a whole key."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.web.pages import MAX_MESSAGE_CHARS

ALPHABET = "BCDFGHJKMPQRTVWXY2346789"  # the shipped rules file's key alphabet
LOOK_ALIKES = "O0I1S5"  # never in keys; people type them for D, Q, 1 …
SEPARATORS = ["-", " ", "", "–", "－", ".", "ー", "  "]
GROUPS = st.lists(st.text(alphabet=ALPHABET, min_size=5, max_size=5), min_size=5, max_size=5)
CONTEXTS = ["The product key you entered isn't valid. Try entering it again {key}",
            "{key}", "キー {key} を入れたら有効期限切れと出た", "my key {key} has expired"]
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _folded(text: str) -> str:
    """Only letters and digits, upper case, width folded: a key hides in no spelling."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", text).upper())


@st.composite
def keys(draw: st.DrawFn) -> tuple[str, str]:
    """(the key as typed, its 25 characters): any separator, case, width, one look-alike."""
    groups = draw(GROUPS)
    chars = list("".join(groups))
    if draw(st.booleans()):
        chars[draw(st.integers(0, 24))] = draw(st.sampled_from(LOOK_ALIKES))
    sep = draw(st.sampled_from(SEPARATORS))
    typed = sep.join("".join(chars[i:i + 5]) for i in range(0, 25, 5))
    if draw(st.booleans()):
        typed = typed.lower()
    if draw(st.booleans()):
        typed = typed.upper().translate(FULL_WIDTH)
    return typed, "".join(chars)


@SETTINGS
@given(key=keys(), context=st.sampled_from(CONTEXTS))
def test_no_page_contains_a_pasted_key(web, key, context):
    typed, chars = key
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text=context.format(key=typed))
    assert chars not in _folded(page.body)
    assert "XXXXX-XXXXX-XXXXX-XXXXX-" in page.body, "the masked key is what the user sees"


@SETTINGS
@given(key=keys())
def test_a_form_shown_again_after_an_error_holds_the_key_masked(web, key):
    typed, chars = key
    browser = web.browser("en")
    page = browser.get("/")
    text = f"my key {typed} fails " + "x" * MAX_MESSAGE_CHARS
    answer = browser.post("/turn", {"csrf": page.csrf, "text": text})
    assert answer.status == 422 and "too long" in answer.body
    draft = re.search(r'<textarea id="message"[^>]*>(.*?)</textarea>', answer.body, re.S)[1]
    assert draft.startswith("my key XXXXX-XXXXX-XXXXX-XXXXX-")
    assert chars not in _folded(answer.body)


def test_a_pasted_key_is_checked_and_its_flaws_named_on_the_page(web):
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text="The product key you entered isn't valid. "
                                               "Try entering it again")
    page = browser.turn(page, text="7KX2M-QH4PD-R9TBW-C6FYJ-38VGO")
    assert "Key checked: XXXXX-XXXXX-XXXXX-XXXXX-38VGO" in page.body
    assert 'Character 25: "O" never appears in product keys; it is probably D / Q.' in page.body
    assert "7KX2MQH4PD" not in _folded(page.body)


def test_the_escalation_summary_and_its_delivery_hold_only_the_masked_key(start_web, receiver):
    from web_secrets import HOOK_SECRET

    web = start_web(env={"KEYHELP_HANDOFF_WEBHOOK": receiver.url,
                         "KEYHELP_HANDOFF_SECRET": HOOK_SECRET})
    browser = web.browser("en")
    page = browser.turn(browser.get("/"), text="my key 7KX2M-QH4PD-R9TBW-C6FYJ-38VGK has expired")
    page = browser.turn(page, action="answer:other-key:no-other")
    assert "XXXXX-XXXXX-XXXXX-XXXXX-38VGK" in page.body
    (delivery,) = receiver.received
    for text in (page.body, delivery.body.decode()):
        assert "7KX2MQH4PDR9TBW" not in _folded(text)
