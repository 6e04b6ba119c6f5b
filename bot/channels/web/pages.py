"""Whole pages from ``templates/web/`` in the renderer's "web" Environment (HTML autoescaped).

Reply bodies arrive already rendered (``Markup`` from the same Environment); everything else
the user typed is escaped by the templates. Interface wording goes through the same gettext
catalogs as every channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from bot.render.renderer import Renderer

MAX_MESSAGE_CHARS = 2000  # longer than any error message; past it the form says so


class Pages:
    """Renders the conversation page and the error pages."""

    def __init__(self, *, renderer: Renderer) -> None:
        self._env = renderer.environment("web")

    def turn(self, *, said: str | None, lang: str, replies: list[dict[str, Any]],
             screenshot: bool = False) -> str:
        """One turn's HTML, rendered once when it happens and kept (a page shows it again).

        ``screenshot``: ``said`` is the masked text read from an uploaded image.
        """
        shown = [{**reply, "html": Markup(reply["html"])} for reply in replies]
        return self._env.get_template("web/_turn.j2").render(
            said=said, lang=lang, replies=shown, screenshot=screenshot).strip()

    def conversation(self, *, base: str, lang: str, csrf: str, locales: list[tuple[str, str]],
                     entries: list[dict[str, Any]], error: str | None = None,
                     draft: str = "", upload_megabytes: int = 0,
                     image_reason: str = "") -> str:
        """The page: every kept turn, the latest choices as buttons, the message box.

        ``upload_megabytes``: the screenshot field's size limit (0: no field, no OCR here);
        ``image_reason``: why the image just sent was not read (an ImageNote reason).
        """
        shown = [{"html": Markup(entry["html"])} for entry in entries]
        choices: dict[str, str] = {}
        for value, label in entries[-1]["choices"] if entries else ():
            if not value.startswith("lang:"):  # the header's switch offers languages
                choices.setdefault(value, label)
        return self._render("web/page.j2", base=base, lang=lang, csrf=csrf, locales=locales,
                            entries=shown, choices=list(choices.items()), error=error,
                            draft=draft, max_chars=MAX_MESSAGE_CHARS,
                            max_megabytes=upload_megabytes, image_reason=image_reason)

    def problem(self, *, base: str, lang: str, status: int, retry_after: int = 0,
                image_megabytes: int = 0) -> str:
        """A page for a request that was not served (403, 404, 405, 413, 429, 500);
        ``image_megabytes``: a 413 for an image over that limit says so."""
        return self._render("web/error.j2", base=base, lang=lang, csrf=None, locales=[],
                            status=status, retry_after=retry_after,
                            max_megabytes=image_megabytes)

    def _render(self, name: str, *, base: str, **context: Any) -> str:
        return self._env.get_template(name).render(
            static=f"{base}/static", turn_url=f"{base}/turn", home_url=f"{base}/", **context)
