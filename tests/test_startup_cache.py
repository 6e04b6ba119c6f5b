"""The start-up cache hands back a recogniser that behaves exactly like a freshly built one."""

from __future__ import annotations

import hashlib

from bot.dialogue.reload import build_brain, default_catalogs
from bot.knowledge.model import Knowledge
from bot.paths import rules_path

MESSAGES = [
    "The product key you entered has expired",
    "キーが通らない",  # clarify: the readings path runs on the cached copy too
    "このプロダクト キーは既に仕様されています",  # an IME slip only readings resolve
    "W6T9R-HD2QC-BP7YM-4KXFJ-G83VT を入力すると有効ではありませんと出る",
    "hi",
]


def test_cached_recogniser_gives_the_same_results(knowledge: Knowledge, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYHELP_CACHE_DIR", str(tmp_path))
    digest = hashlib.sha256(rules_path().read_bytes()).hexdigest()
    built = build_brain(knowledge, catalogs=default_catalogs(), digest=digest).recogniser
    assert list(tmp_path.glob("recogniser-*.pickle")), "the first build fills the cache"
    cached = build_brain(knowledge, catalogs=default_catalogs(), digest=digest).recogniser
    assert cached is not built
    for text in MESSAGES:
        assert cached.classify(text).to_json() == built.classify(text).to_json(), text


def test_an_edited_rules_file_replaces_its_cache_entry(knowledge: Knowledge, tmp_path,
                                                      monkeypatch):
    monkeypatch.setenv("KEYHELP_CACHE_DIR", str(tmp_path))
    for digest in ("a" * 64, "b" * 64):  # two versions of the same file
        build_brain(knowledge, catalogs=default_catalogs(), digest=digest)
    assert len(list(tmp_path.glob("recogniser-*.pickle"))) == 1
