"""The secrets the web page's tests configure: importable by name (``conftest`` is not, once
two test folders each have one)."""

SECRET = "test-secret-for-the-web-page-0123456789"
HOOK_SECRET = "hook-secret-0123456789"
