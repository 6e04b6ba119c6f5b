"""manifest.yml declares every event, command, shortcut and scope the bot uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.channels.slack.listeners import SHORTCUT_CALLBACK

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_events_commands_and_shortcut_match_the_listeners():
    data = manifest()
    assert set(data["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "app_mention", "message.channels", "message.groups", "message.im",
        "reaction_added", "reaction_removed"}
    assert [c["command"] for c in data["features"]["slash_commands"]] == ["/keyhelp"]
    [shortcut] = data["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", SHORTCUT_CALLBACK)
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["features"]["app_home"]["messages_tab_enabled"] is True  # DMs
    assert data["features"]["app_home"]["home_tab_enabled"] is True  # agents' figures


def test_scopes_cover_every_web_api_method_used():
    needed = {"chat:write", "users:read", "commands", "app_mentions:read", "im:history",
              "channels:history", "groups:history", "channels:read", "groups:read",
              "reactions:read", "files:read"}
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed


def test_every_url_is_the_events_endpoint():
    data = manifest()
    urls = {data["settings"]["event_subscriptions"]["request_url"],
            data["settings"]["interactivity"]["request_url"],
            *(c["url"] for c in data["features"]["slash_commands"])}
    assert {url.rsplit("/", 2)[-2:] == ["slack", "events"] for url in urls} == {True}
