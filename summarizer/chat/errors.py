"""The one error a caller of the chat API handles."""

from __future__ import annotations


class ChatDeliveryError(Exception):
    """A brief could not be delivered. The message names the platform and host, never the URL.

    ``transient`` tells whether trying again later may help (rate limits, outages, network)
    or not (the platform rejected the payload or the webhook: fix it first).
    """

    def __init__(
        self,
        message: str,
        *,
        platform: str,
        host: str,
        status: int | None = None,
        error: str | None = None,
        attempts: int = 0,
        transient: bool = False,
    ) -> None:
        super().__init__(message)
        self.platform = platform
        self.host = host
        self.status = status
        self.error = error
        self.attempts = attempts
        self.transient = transient
