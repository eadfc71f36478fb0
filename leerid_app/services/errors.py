"""Domain errors the services raise; each carries the Dutch message an administrator reads."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the manual refused the request; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidUsername(DomainError):
    """A typed username breaks the username rules."""


class UsernameTaken(InvalidUsername):
    """The username already belongs to another LeerID."""


class NotFound(DomainError):
    """The pupil or account does not exist in the administrator's school."""


class NotAllowed(DomainError):
    """The request falls outside what this administrator may do."""
