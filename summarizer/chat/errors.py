"""The chat side's errors, in the ``BriefError`` tree so the CLI maps each to its exit code."""

from __future__ import annotations

from summarizer.errors import EXIT_DELIVERY, BriefError, DeliveryFailed, InputError


class ChatDeliveryError(DeliveryFailed):
    """A brief could not be delivered. The message names the platform and host, never the URL.

    ``transient`` tells whether trying again later may help (rate limits, outages, network)
    or not (the platform rejected the payload or the webhook: fix it first).
    ``may_have_arrived`` is set when the request was sent and no answer came back (a timeout or a
    reset after sending): the post may be in the channel, so it is never sent again automatically.
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
        may_have_arrived: bool = False,
    ) -> None:
        super().__init__(message)
        self.platform = platform
        self.host = host
        self.status = status
        self.error = error
        self.attempts = attempts
        self.transient = transient
        self.may_have_arrived = may_have_arrived


class HeldBack(BriefError):
    """``--strict``: the brief has flagged free text, so it is not posted (a person should look first)."""

    exit_code = EXIT_DELIVERY


class WatchStateError(InputError):
    """The state file exists but cannot be read; starting afresh would repost every article."""


class WatchLocked(InputError):
    """Another ``brief watch`` holds the folder's lock: two watchers would post every article twice."""
