"""Errors a user can cause or meet, each with a message a person can act on.

Exit codes live here, in one place, and the CLI maps exceptions to them.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_MODEL = 1  # the model or endpoint failed after retries
EXIT_INPUT = 2  # bad input or usage
EXIT_DELIVERY = 3  # the brief was written but a chat platform did not take it
EXIT_BELOW = 3  # brief eval: the score fell under --fail-under (eval posts nothing, so 3 is free there)


class BriefError(Exception):
    """Base class for errors that carry a user-facing message and an exit code."""

    exit_code = EXIT_MODEL


class InputError(BriefError):
    """The article or an option cannot be used (missing, empty, binary, undecodable, bad value)."""

    exit_code = EXIT_INPUT


class ModelError(BriefError):
    """The model or endpoint failed: unreachable, refused, or never returned a valid brief."""

    exit_code = EXIT_MODEL


class EndpointRejected(ModelError):
    """The endpoint answered with a non-retryable client error (400/401/403/404)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class DeadlineExceeded(ModelError):
    """A brief ran past ``Settings.deadline``: the ceiling on all its calls, retries and re-asks together."""


class DeliveryFailed(BriefError):
    """A chat platform refused or kept failing to take a brief (the message shows its host only)."""

    exit_code = EXIT_DELIVERY


class ModelFileError(BriefError):
    """The local GGUF model is missing, incomplete or fails its checksum."""

    exit_code = EXIT_INPUT
