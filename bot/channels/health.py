"""What ``/healthz`` answers, the same on the Slack server and the web page.

200 while the database answers, 503 while it does not (a load balancer then sends traffic to
the other instances), with a JSON body naming the rules file in force by its sha256 digest,
so an operator can see that every instance serves the same rules after an edit::

    {"status": "ok", "database": "ok", "rules": "3f2a…"}
"""

from __future__ import annotations

import json
from typing import NamedTuple


class Health(NamedTuple):
    """Whether the database answers, and the digest of the rules in force."""

    database: bool
    rules: str

    @property
    def status(self) -> int:
        return 200 if self.database else 503

    def body(self) -> str:
        return json.dumps({"status": "ok" if self.database else "unavailable",
                           "database": "ok" if self.database else "unreachable",
                           "rules": self.rules})
