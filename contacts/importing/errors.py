"""The one error of importing that the user sees as a message (files, vCards and jobs raise it)."""


class ImportRefused(Exception):
    """The file cannot be imported at all; the message says why, for the user."""
