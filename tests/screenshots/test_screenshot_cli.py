"""`keyhelp diagnose --image FILE [--json]` and `/image FILE` in `keyhelp chat`, as a user runs
them: real subprocesses reading real rendered screenshots."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.screenshots.pages import Page, leaked, page_of, require


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    require(ocr=True)


def keyhelp(tmp_path: Path, *args: str, stdin: str = "",
            **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KEYHELP_")}
    environment.update(KEYHELP_DB=str(tmp_path / "chat.db"),
                       KEYHELP_CACHE_DIR=str(tmp_path / "cache"), **env)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, env=environment, timeout=180)


def test_diagnose_image_names_the_error_and_asks_the_first_question(
        tmp_path: Path, pages: list[Page]) -> None:
    page = page_of(pages, "key-already-used", "ja")
    result = keyhelp(tmp_path, "diagnose", "--image", str(page.path))
    assert result.returncode == 0, result.stderr
    # the recognised error's title, in the screenshot's language (Japanese)
    assert "認識したエラー：プロダクト キーは使用済み" in result.stdout
    assert "既に使った可能性はありますか" in result.stdout
    assert not leaked(page.key, result.stdout, result.stderr)


def test_diagnose_image_json_carries_the_masked_reading(tmp_path: Path,
                                                        pages: list[Page]) -> None:
    page = page_of(pages, "admin-role-required", "en")
    result = keyhelp(tmp_path, "diagnose", "--image", str(page.path), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["recognition"]["intent"] == "admin-role-required"
    assert out["image"]["read"] is True and out["image"]["error_lines"] is True
    assert "global or billing admin" in out["image"]["text"]
    assert out["replies"][0]["kind"] == "ask"
    assert not leaked(page.key, result.stdout, result.stderr)


def test_diagnose_image_explains_a_file_it_will_not_read(tmp_path: Path) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("The product key you entered isn't valid", encoding="utf-8")
    result = keyhelp(tmp_path, "diagnose", "--image", str(notes), "--lang", "ja", "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = json.loads(result.stdout)
    assert out["image"] == {"read": False, "reason": "not-image"}
    assert "PNG、JPEG、WebP" in out["replies"][0]["text"]

    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"\0" * (1024 * 1024 + 1))
    result = keyhelp(tmp_path, "diagnose", "--image", str(big), KEYHELP_IMAGE_MAX_MB="1")
    assert result.returncode == 1
    assert "too large (the limit is 1 MB)" in result.stdout


@pytest.mark.parametrize("args", [[], ["some text", "--image", "x.png"]])
def test_diagnose_wants_text_or_an_image_not_both(tmp_path: Path, args: list[str]) -> None:
    result = keyhelp(tmp_path, "diagnose", *args)
    assert result.returncode == 2 and "TEXT or as --image FILE" in result.stderr


def test_a_bad_ocr_setting_is_one_error_line(tmp_path: Path, pages: list[Page]) -> None:
    result = keyhelp(tmp_path, "diagnose", "--image", str(pages[0].path),
                     KEYHELP_OCR_WORKERS="none")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: KEYHELP_OCR_WORKERS must be a whole number of at least 1, got 'none'"]


def test_chat_takes_a_screenshot_with_slash_image(tmp_path: Path, pages: list[Page]) -> None:
    page = page_of(pages, "key-expired", "en")
    script = f"/image {page.path}\n/image {tmp_path / 'missing.png'}\n1\n"
    result = keyhelp(tmp_path, "chat", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "An expired key can't be extended by you" in result.stdout
    assert "I can't open that file" in result.stdout
    assert "Enter the newer key on the redemption page" in result.stdout  # "1" still answers
    with sqlite3.connect(tmp_path / "chat.db") as db:
        (data,) = db.execute("SELECT data FROM conversations").fetchone()
    history = json.loads(data)["history"]
    assert history[0][0] == "user" and history[0][1].startswith("(screenshot) The product key")
    assert not leaked(page.key, result.stdout, result.stderr, data)
