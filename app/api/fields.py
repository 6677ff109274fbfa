"""The value types of the API's input models, bounded so that the OpenAPI document states what
the server accepts and nothing that passes them can reach a server error.

- Ids are positive integers a JSON client can hold exactly (2^53 - 1). An id beyond what the
  database keys hold names no row: the framework answers 404, as for any row not there.
- Timestamps are RFC 3339 text with an offset (what "format: date-time" means); a number is
  refused rather than read as seconds since 1970, and the year must be one the law's clocks can
  count in (1900-2199) so that no conversion overflows.
- Flags are JSON true or false; "false" as text is refused rather than read as true.
- A query string is text by nature: there, a whole number is digits, a flag "true" or "false"
  and a day YYYY-MM-DD, and nothing else ("1.0", "yes" and "0" are refused too).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Final, TypeVar

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from app.accounts.scopes import MAX_ROW_ID
from app.commands import rule_error
from scheduling.facility_admin import LENGTH_CHOICES

D = TypeVar("D", bound=date)  # a day, or a time (a datetime is a date)
MAX_ID: Final = 2**53 - 1
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2199

_RFC3339: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})\Z"
)
_DIGITS: Final = re.compile(r"[0-9]{1,20}\Z")
_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _whole_number(value: Any, info: ValidationInfo) -> Any:
    text = info.mode not in ("python", "json")  # a query string
    if (text and isinstance(value, str) and _DIGITS.match(value)) or (
        not text and isinstance(value, int) and not isinstance(value, bool)
    ):
        return value
    raise PydanticCustomError("int_type", "a whole number", {"code": "number_expected"})


def _true_or_false(value: Any, info: ValidationInfo) -> Any:
    text = info.mode not in ("python", "json")  # a query string
    if (text and value in ("true", "false")) or (not text and isinstance(value, bool)):
        return value
    raise PydanticCustomError("bool_type", "true or false", {"code": "true_or_false"})


def _day_text(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _DAY.match(value)):
        return value
    raise PydanticCustomError("date_format", "YYYY-MM-DD", {"code": "day_expected"})


def _rfc3339_text(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.match(value)):
        return value
    raise PydanticCustomError("timestamp_format", "RFC 3339", {"code": "timestamp_expected"})


def _countable(value: D) -> D:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise rule_error("timestamp_out_of_range")
    return value


def whole(ge: int, le: int) -> Any:
    """A whole number from ``ge`` to ``le`` (the bounds are in the document)."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_whole_number)]


def _offered_length(value: int) -> int:
    if value not in LENGTH_CHOICES:
        expected = ", ".join(str(choice) for choice in LENGTH_CHOICES)
        raise PydanticCustomError("enum", "one of {expected}", {"expected": expected})
    return value


NOT_HELD: Final = "row_not_held"


def _held(value: int) -> int:
    if value > MAX_ROW_ID:  # a well-formed id no row can have: the framework answers 404
        raise PydanticCustomError(NOT_HELD, "no such row", {})
    return value


RowId = Annotated[
    int, Field(ge=1, le=MAX_ID), BeforeValidator(_whole_number), AfterValidator(_held)
]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text), AfterValidator(_countable)]
Day = Annotated[date, BeforeValidator(_day_text), AfterValidator(_countable)]
# A meeting length any facility may offer; the facility's own choice is checked when booked.
MeetingLength = Annotated[
    int,
    Field(json_schema_extra={"enum": list(LENGTH_CHOICES)}),
    BeforeValidator(_whole_number),
    AfterValidator(_offered_length),
]
Flag = Annotated[bool, BeforeValidator(_true_or_false)]
