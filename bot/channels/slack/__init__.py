"""keyhelp's Slack front end.

The only package that imports ``slack_bolt`` / ``slack_sdk``, so the CLI and the
orchestrator start without them. Build an app with ``bot.channels.slack.app.build_app``; serve it
with ``bot.channels.slack.server`` (HTTP) or ``bot.channels.slack.socket_mode`` (Socket Mode).
"""
