"""The one error type services raise for a request that cannot be carried out.

`code` names a translated message (app.presentation.i18n.MESSAGES), `field` the input at fault, and
`status` the HTTP status an entry point answers with (400 unless a rule says otherwise).
`extensions` are JSON-ready facts an API problem carries beside the message (RFC 9457), such as
which documents are missing. A check of several fields reports every field at fault at once:
``together`` makes the first error carry the others in `also` (``each()`` gives them all),
so a form shows each error at its own field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DomainError(Exception):
    also: tuple[DomainError, ...] = ()  # the errors found with this one, other fields at fault

    def __init__(
        self,
        code: str,
        field: str | None = None,
        status: int = 400,
        *,
        extensions: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.status = status
        self.retry_after = retry_after  # seconds until a refused attempt may be repeated (429)
        if extensions is not None:
            self.extensions = extensions

    def each(self) -> tuple[DomainError, ...]:
        """This error and those found with it, in the order they were found."""
        return (self, *self.also)


def together(errors: Iterable[DomainError]) -> DomainError:
    """The first of ``errors`` (at least one), carrying the others, one for each field at fault."""
    found: dict[str | None, DomainError] = {}
    for error in errors:
        for one in error.each():
            found.setdefault(one.field, one)
    first, *rest = found.values()
    first.also = tuple(rest)
    return first


def raise_all(errors: Iterable[DomainError]) -> None:
    """Raise ``together(errors)`` if there is any error."""
    found = list(errors)
    if found:
        raise together(found)
