"""Screenshots shared in Slack: fetched with the bot token from Slack's file host only, size
checked before and while downloading, read in the OCR pool, answered in the conversation.

The listener only checks the file's metadata, queues the download and the reading in the
bounded OCR pool (``bot.understand.image``) and claims the conversation's next job, so Slack's
ack never waits; the job (bot/channels/slack/jobs.py) waits for the reading without holding a
worker, in the conversation's order. The image and the raw OCR text are never stored or
logged; the conversation records "(screenshot)" and the masked text.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.understand.image.limits import Limits, Refused
from bot.understand.image.ocr import OcrUnavailable
from bot.understand.image.pool import Busy
from bot.understand.image.read import Screenshot, ScreenshotReader
from bot.understand.image.settings import OcrSettings

if TYPE_CHECKING:
    from bot.channels.slack.backend import SlackReply
    from bot.channels.slack.orchestrator import OrchestratorBackend
    from bot.dialogue.language import LanguageHints
    from bot.understand.normalise import Normalised

logger = logging.getLogger("keyhelp.slack.files")
SLACK_FILE_HOSTS = ("files.slack.com",)  # where url_private_download points
IMAGE_TYPES = frozenset({"png", "jpg", "jpeg", "webp"})  # Slack's filetype; content decides
CHUNK = 64 * 1024
TIMEOUT = 15.0  # seconds for one download


class NotFetched(Exception):
    """The file could not be downloaded from an allowed host (no URL, foreign host, HTTP error)."""


def image_file(event: dict[str, Any]) -> dict[str, Any] | None:
    """The first image among a message's shared files (``file_share``), if any."""
    for file in event.get("files") or ():
        if not isinstance(file, dict):
            continue
        mimetype, filetype = str(file.get("mimetype") or ""), str(file.get("filetype") or "")
        if mimetype.startswith("image/") or filetype.lower() in IMAGE_TYPES:
            return file
    return None


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return (parts.scheme, (parts.hostname or "").lower(), port) if parts.hostname else None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the bot token to wherever it points: refuse it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class FileFetcher:
    """Downloads ``url_private_download`` with the bot token, from allowed hosts only."""

    def __init__(self, *, token: str, api_url: str, limits: Limits,
                 timeout: float = TIMEOUT) -> None:
        self._token, self._limits, self._timeout = token, limits, timeout
        self._allowed = {("https", host, 443) for host in SLACK_FILE_HOSTS}
        api = _origin(api_url)
        if api is not None:
            self._allowed.add(api)  # GovSlack, a proxy, or the tests' fake Slack
        self._opener = urllib.request.build_opener(_NoRedirects)

    def url(self, file: dict[str, Any]) -> str:
        """The file's download URL after the checks that need no network (size, host)."""
        size = file.get("size")
        if isinstance(size, int) and size > self._limits.max_bytes:
            raise Refused("too-large")
        url = file.get("url_private_download") or file.get("url_private")
        if not isinstance(url, str) or _origin(url) not in self._allowed:
            raise NotFetched("no download URL on an allowed host")
        return url

    def fetch(self, file: dict[str, Any]) -> bytes:
        """The file's bytes; ``Refused('too-large')`` past the limit, read no further."""
        url = self.url(file)
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self._token}"})
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self._limits.max_bytes:
                    raise Refused("too-large")
                data = bytearray()
                while chunk := response.read(CHUNK):
                    data += chunk
                    if len(data) > self._limits.max_bytes:
                        raise Refused("too-large")
                return bytes(data)
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise NotFetched(type(err).__name__) from None


@dataclass(frozen=True)
class Reading:
    """A shared image being read in the OCR pool (``future``), or why it is not (``reason``)."""

    future: Future[Screenshot] | None = None
    reason: str = ""

    def done(self) -> bool:
        return self.future is None or self.future.done()

    def when_done(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from the pool's thread) once the image is read, or now."""
        if self.future is None:
            callback()
        else:
            self.future.add_done_callback(lambda _: callback())

    def cancel(self) -> None:
        if self.future is not None:
            self.future.cancel()


class SlackScreenshots:
    """Image files shared with keyhelp: read off the request path, answered in their turn."""

    def __init__(self, *, backend: OrchestratorBackend, fetcher: FileFetcher,
                 reader: ScreenshotReader | None, limits: Limits) -> None:
        self._backend = backend
        self._fetcher, self._reader, self._limits = fetcher, reader, limits

    @classmethod
    def build(cls, *, backend: OrchestratorBackend, token: str, api_url: str,
              settings: OcrSettings) -> SlackScreenshots:
        """Tesseract's models checked now; without them images get "can't read them here"."""
        try:
            reader: ScreenshotReader | None = ScreenshotReader.from_settings(settings)
        except OcrUnavailable as err:
            logger.warning("screenshots cannot be read: %s", err)
            reader = None
        fetcher = FileFetcher(token=token, api_url=api_url, limits=settings.limits)
        return cls(backend=backend, fetcher=fetcher, reader=reader, limits=settings.limits)

    def start(self, file: dict[str, Any]) -> Reading:
        """Listener side, never waits: the checks that need no network, then the download
        and the reading queued in the bounded OCR pool."""
        try:
            self._fetcher.url(file)
            if self._reader is None:
                return Reading(reason="unavailable")
            return Reading(future=self._reader.submit_fetched(
                lambda: self._fetcher.fetch(file), self._backend.assistant.brain.recogniser))
        except Refused as refused:
            return Reading(reason=refused.reason)
        except NotFetched:
            return Reading(reason="not-downloaded")
        except Busy:
            return Reading(reason="busy")

    def read(self, file: dict[str, Any], reading: Reading | None) -> tuple[Normalised | None, str]:
        """The image's masked text, or why there is none. Without ``reading`` (a job taken
        over from an instance that died: its reading died with it) the file is read again,
        here; the image and its raw text are never stored, so there is nothing else to use."""
        reading = reading or self.start(file)
        shot, reason = _outcome(reading.future, reading.reason)
        if shot is None:
            return None, reason
        return shot.message(self._backend.assistant.brain.knowledge), ""

    def confident(self, message: Normalised) -> bool:
        """A watched channel's image is answered only when it plainly shows one error."""
        return self._backend.confident_screenshot(message)

    def note(self, conversation: str, reason: str, *, hints: LanguageHints) -> list[SlackReply]:
        """Why the image was not read (no turn is taken)."""
        return self._backend.image_note(conversation, reason,
                                        lang=self._backend.language(hints),
                                        max_megabytes=self._limits.max_megabytes)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


def job_file(file: dict[str, Any]) -> dict[str, Any]:
    """What a job keeps of a shared file: enough to read it again (no content, no name)."""
    return {k: file[k] for k in ("url_private_download", "url_private", "size", "mimetype",
                                 "filetype") if k in file}


def _outcome(done: Future[Screenshot] | None, reason: str) -> tuple[Screenshot | None, str]:
    if done is None:
        return None, reason
    try:
        return done.result(), ""
    except Refused as refused:
        return None, refused.reason
    except NotFetched:
        return None, "not-downloaded"
    except Exception:  # a reader bug must cost one reply, not the conversation's queue
        logger.exception("reading a shared image failed")
        return None, "unreadable"
