"""Screenshot settings from the environment; a bad value names its variable (ValueError).

``KEYHELP_OCR_LANGS`` (Tesseract models, default ``jpn+eng``: a new language is a model
and this setting, no code), ``KEYHELP_TESSDATA`` (their folder; default
``$TESSDATA_PREFIX`` or the system's), ``KEYHELP_OCR_WORKERS`` (images read at once,
default 1: one core stays free for text conversations), ``KEYHELP_OCR_QUEUE`` (images
waiting beyond those, default 4; more get "busy, try again"), ``KEYHELP_IMAGE_MAX_MB``
(largest file accepted, default 10).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import NamedTuple

from bot.understand.image.limits import Limits

LANGS_ENV = "KEYHELP_OCR_LANGS"
TESSDATA_ENV = "KEYHELP_TESSDATA"
WORKERS_ENV = "KEYHELP_OCR_WORKERS"
QUEUE_ENV = "KEYHELP_OCR_QUEUE"
MAX_MB_ENV = "KEYHELP_IMAGE_MAX_MB"
_LANGS = re.compile(r"[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*")


class OcrSettings(NamedTuple):
    """How screenshots are read: which models, how many at once, how large."""

    langs: str = "jpn+eng"
    tessdata: str | None = None
    workers: int = 1
    queue: int = 4
    limits: Limits = Limits()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OcrSettings:
        env = os.environ if env is None else env
        langs = env.get(LANGS_ENV) or cls._field_defaults["langs"]
        if not _LANGS.fullmatch(langs):
            raise ValueError(f"{LANGS_ENV} must be Tesseract model names joined by '+' "
                             f"(e.g. jpn+eng), got {langs!r}")
        max_mb = _number(env, MAX_MB_ENV, 10, least=1)
        return cls(langs=langs, tessdata=env.get(TESSDATA_ENV) or None,
                   workers=_number(env, WORKERS_ENV, 1, least=1),
                   queue=_number(env, QUEUE_ENV, 4, least=0),
                   limits=Limits(max_bytes=max_mb * 1024 * 1024))


def _number(env: Mapping[str, str], name: str, default: int, *, least: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = least - 1
    if value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, got {raw!r}")
    return value
