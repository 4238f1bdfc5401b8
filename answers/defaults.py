"""How much an answer gives when the request does not say: shared by the composers and the
typed requests (`answers.compose`), so a request type is defined without importing its composer."""

from __future__ import annotations

DEFAULT_HOURS = 24.0  # a briefing's window when no start is given
MAX_FIGURES = 30  # a figures answer's length
MAX_EVENTS = 40  # a timeline's length
