"""Screenshots shared in Slack: fetched with the bot token from Slack's file host only, size
checked before and while downloading, read in the OCR pool, answered in the conversation.

The listener only checks the file's metadata and queues the download and the reading in
the bounded OCR pool (``bot.understand.image``), so Slack's ack never waits; when the read
is done the turn joins the conversation's own queue like any message. The image and the
raw OCR text are never stored or logged; the conversation records "(screenshot)" and the
masked text.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.understand.image.limits import Limits, Refused
from bot.understand.image.ocr import OcrUnavailable
from bot.understand.image.pool import Busy
from bot.understand.image.read import Screenshot, ScreenshotReader
from bot.understand.image.settings import OcrSettings

if TYPE_CHECKING:
    from bot.channels.slack.orchestrator import OrchestratorBackend
    from bot.channels.slack.places import Place
    from bot.channels.slack.turns import Conversations

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


class SlackScreenshots:
    """Image files shared with keyhelp: read off the request path, answered in order."""

    def __init__(self, *, conversations: Conversations, backend: OrchestratorBackend,
                 fetcher: FileFetcher, reader: ScreenshotReader | None,
                 limits: Limits) -> None:
        self._conversations, self._backend = conversations, backend
        self._fetcher, self._reader, self._limits = fetcher, reader, limits

    @classmethod
    def build(cls, *, conversations: Conversations, backend: OrchestratorBackend,
              token: str, api_url: str, settings: OcrSettings) -> SlackScreenshots:
        """Tesseract's models checked now; without them images get "can't read them here"."""
        try:
            reader: ScreenshotReader | None = ScreenshotReader.from_settings(settings)
        except OcrUnavailable as err:
            logger.warning("screenshots cannot be read: %s", err)
            reader = None
        fetcher = FileFetcher(token=token, api_url=api_url, limits=settings.limits)
        return cls(conversations=conversations, backend=backend, fetcher=fetcher,
                   reader=reader, limits=settings.limits)

    def shared(self, place: Place, *, user: str | None, file: dict[str, Any],
               watched: bool = False) -> None:
        """Listener hook: never waits. ``watched``: answer only an error read for sure."""
        reason, future = "", None
        try:
            self._fetcher.url(file)
            if self._reader is None:
                reason = "unavailable"
            else:
                future = self._reader.submit_fetched(lambda: self._fetcher.fetch(file),
                                                     self._backend.assistant.brain.recogniser)
        except Refused as refused:
            reason = refused.reason
        except NotFetched:
            reason = "not-downloaded"
        except Busy:
            reason = "busy"
        if future is None:
            self._conversations.enqueue(place, lambda: self._answer(place, user, reason,
                                                                     None, watched))
            return
        future.add_done_callback(lambda done: self._conversations.enqueue(
            place, lambda: self._answer(place, user, "", done, watched)))

    def _answer(self, place: Place, user: str | None, reason: str,
                done: Future[Screenshot] | None, watched: bool) -> None:
        """In the conversation's queue: the screenshot's turn, or why it was not read."""
        shot, reason = _outcome(done, reason)
        message = shot.message(self._backend.assistant.brain.knowledge) if shot else None
        if watched:
            if message is None or not self._backend.confident_screenshot(message):
                logger.info("%s: shared image not answered (%s)", place.conversation,
                            reason or "no error read for sure")
                return
            self._conversations.follow(place)
        hints = self._conversations.picker.hints(user)
        if message is not None:
            replies = self._backend.handle(place.conversation, screenshot=message, hints=hints)
        else:
            replies = self._backend.image_note(place.conversation, reason,
                                               lang=self._backend.language(hints),
                                               max_megabytes=self._limits.max_megabytes)
        self._conversations.deliver(place, replies, user)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


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
