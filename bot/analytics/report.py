"""The figures as a terminal table or one self-contained HTML page with inline SVG charts.

Wording and layout live in ``templates/report/`` (``stats.txt.j2``, ``stats.html.j2``); the
page loads nothing from anywhere (no script, no font, no image): it opens offline and can be
mailed. HTML is autoescaped, so an unrecognised message cannot inject markup.

It has its own Jinja2 Environment, the only one outside bot/render/: the report is not a
channel. It is an operator's English page with no reply objects, no user language and no
gettext, and its filters (durations, percentages) and chart globals belong to it alone;
in the renderer's channel Environments they would be offered to every reply template.
"""

from __future__ import annotations

import functools
from typing import Any

from bot.analytics.stats import OUTCOMES
from bot.paths import templates_dir

COLOURS = {"solved": "#2e7d32", "escalated": "#c62828", "abandoned": "#8d6e63",
           "restarted": "#f9a825", "open": "#1565c0", "ended": "#6a1b9a",
           "went on": "#78909c"}


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@functools.cache
def _environment(directory: str):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(directory), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "html.j2"]), trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(duration=_duration, percent=_percent)
    env.globals.update(OUTCOMES=OUTCOMES, COLOURS=COLOURS)
    return env


def _chart(rows: list[tuple[str, list[tuple[str, int]]]]) -> dict[str, Any]:
    """Rows of stacked bars and the largest total, which every bar is scaled to."""
    return {"rows": rows, "peak": max([1, *(sum(n for _, n in parts) for _, parts in rows)])}


def _by_outcome(table: dict[str, dict[str, int]]) -> dict[str, Any]:
    return _chart([(label, [(o, row[o]) for o in OUTCOMES]) for label, row in table.items()])


def charts(figures: dict[str, Any]) -> dict[str, Any]:
    """The bars of each chart, from the figures."""
    return {
        "intents": _by_outcome(figures["by_intent"]),
        "languages": _by_outcome(figures["by_language"]),
        "channels": _by_outcome(figures["by_channel"]),
        "drop_off": {intent: _chart([(s["step"], [("went on", s["reached"] - s["left"]),
                                                  ("abandoned", s["left"])]) for s in steps])
                     for intent, steps in figures["drop_off"].items()},
    }


def render(figures: dict[str, Any], *, html: bool) -> str:
    """``figures`` (bot.analytics.stats.figures) as text for a terminal, or as a web page."""
    env = _environment(str(templates_dir() / "report"))
    if not html:
        return env.get_template("stats.txt.j2").render(f=figures)
    return env.get_template("stats.html.j2").render(f=figures, charts=charts(figures))
