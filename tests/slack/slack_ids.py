"""The channel ids the Slack tests configure: importable by name (``conftest`` is not, once
two test folders each have one)."""

SUPPORT = "C0SUPPORT"
WATCHED = "C0WATCHED"
