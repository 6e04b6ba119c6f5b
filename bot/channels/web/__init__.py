"""keyhelp's web page: server-rendered forms (no JavaScript needed), a small script that makes
turns update in place, signed session cookies, CSRF tokens, rate and size limits, and the
hand-off of unsolved cases to a webhook or the Slack support channel.

``app.WebApp`` is the WSGI application; ``server.WebServer`` serves it with waitress;
``keyhelp web serve`` (bot/channels/cli/web.py) starts both.
"""
