"""Domain commands: each change a user makes is a pydantic command object handed to one domain
function, which checks every rule and the actor's permission (CONTRIBUTING.md).

Web forms, API bodies and CLI arguments all build the command through ``build``, so a value of
the wrong shape fails the same way everywhere: as the one error type, ``DomainError`` (422),
naming the field, which each entry point maps to its answer (a form error, a problem, a message).
A rule a command states about its own values (a window ends after it starts) raises
``rule_error(code)`` in a validator, and ``build`` gives that code.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from app.errors import DomainError, together

C = TypeVar("C", bound="Command")

# pydantic's error types, as the message codes of app.presentation (anything else: value_invalid).
_CODES: Final[dict[str, str]] = {
    "missing": "required",
    "string_too_long": "text_too_long",
    "too_long": "too_many_items",
}


class Command(BaseModel):
    """A validated request for one change; immutable once built."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def rule_error(code: str) -> PydanticCustomError:
    """A command's own rule broken, as the message code ``code`` (raise it in a validator)."""
    return PydanticCustomError("domain_rule", code, {"code": code})


def build(command: type[C], **values: Any) -> C:
    """``command`` from ``values``, or DomainError naming the first field that is wrong, as a
    dotted path for a nested one ("preferred_windows.0"), carrying an error for each other field
    that is wrong (``DomainError.each``)."""
    try:
        return command.model_validate(values)
    except ValidationError as exc:
        found = (
            DomainError(error_code(error), field=field_path(error), status=422)
            for error in exc.errors()
        )
        raise together(found) from None


def error_code(error: ErrorDetails) -> str:
    """The message code of one pydantic error (the API's edge models use it too)."""
    return str((error.get("ctx") or {}).get("code") or _CODES.get(error["type"], "value_invalid"))


def field_path(error: ErrorDetails) -> str | None:
    return ".".join(str(part) for part in error["loc"]) or None
