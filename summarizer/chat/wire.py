"""The exact bytes a payload is sent as; Teams' size limit is measured on these."""

from __future__ import annotations

import json
from typing import Any


def encode(payload: dict[str, Any]) -> bytes:
    # Compact and UTF-8 (not \u escapes): the smallest honest body, and what the size budget counts.
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
