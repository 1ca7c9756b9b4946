"""The one exception family of communique.

Every error a user can meet says what went wrong and how to fix it; the CLI prints it
without a traceback and the REST API turns it into its one JSON error body.
"""


class CommuniqueError(Exception):
    """Base of every error communique raises on purpose."""

    def __init__(self, message: str, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(f"{message} ({hint})" if hint else message)

    def to_dict(self) -> dict:
        return {"error": type(self).__name__, "message": self.message, "hint": self.hint}


class InputError(CommuniqueError):
    """An input could not be read or is not a news text."""


class StoreError(CommuniqueError):
    """The store could not be opened, migrated or written."""


class ResourceError(CommuniqueError):
    """A model or data file that communique needs is missing or broken."""
