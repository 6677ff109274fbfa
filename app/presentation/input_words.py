"""Each bad input field in the user's words, with the bound it broke: the 422 of the API says
"at most 300 characters" or "one of: zh-CN, en", not pydantic's English nor a bare "not valid"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic_core import ErrorDetails

from app.presentation.i18n import _, gettext
from app.presentation.messages import message

EDGE_MESSAGES: Final[dict[str, str]] = {
    "number_expected": _("Give a whole number, written with digits only."),
    "true_or_false": _("Give true or false."),
    "day_expected": _("Give a day as YYYY-MM-DD, e.g. 2026-12-09."),
    "timestamp_expected": _(
        "Give a date and time with its offset from UTC, e.g. 2026-12-09T10:00:00+08:00."
    ),
    "timestamp_out_of_range": _("Give a date between the years 1900 and 2199."),
}

# pydantic's error types whose words name the bound from the error's context.
_BOUNDED: Final[dict[str, str]] = {
    "greater_than_equal": _("Give a number of at least %(ge)s."),
    "less_than_equal": _("Give a number of at most %(le)s."),
    "greater_than": _("Give a number above %(gt)s."),
    "less_than": _("Give a number below %(lt)s."),
    "string_too_short": _("At least %(min_length)s characters."),
    "too_short": _("At least %(min_length)s entries."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
}
# Said as the domain commands say them, so that page, API and command line use the same words.
_AS_COMMANDS_SAY: Final = {
    "missing": "required",
    "string_too_long": "text_too_long",
    "too_long": "too_many_items",
}
_PLAIN: Final[dict[str, str]] = {
    "extra_forbidden": _("This field is not part of this request."),
    "json_invalid": _("The body is not valid JSON."),
    "model_type": _("Send a JSON object."),
    "model_attributes_type": _("Send a JSON object."),
    "dict_type": _("Send a JSON object."),
    "list_type": _("Send a list."),
    "string_type": _("Give text."),
    "string_pattern_mismatch": _("This value does not have the required form."),
}


def _facts(context: Mapping[str, Any]) -> dict[str, str]:
    # pydantic words a choice list as "'zh-CN' or 'en'"; the message lists it plainly.
    return {
        key: str(value).replace("'", "").replace(" or ", ", ") for key, value in context.items()
    }


def is_blank(error: ErrorDetails) -> bool:
    """Required text that was only spaces: the document says "at least 1 character", which
    spaces are, but what is missing is the text itself."""
    return error["type"] == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1


def input_words(error: ErrorDetails) -> str:
    """The words for one pydantic error of an input model."""
    context = error.get("ctx") or {}
    code = context.get("code")
    if code is not None:
        return gettext(EDGE_MESSAGES[code]) if code in EDGE_MESSAGES else message(str(code))
    kind = error["type"]
    if is_blank(error):
        return message("required")
    if kind in _AS_COMMANDS_SAY:
        return message(_AS_COMMANDS_SAY[kind])
    if kind in _BOUNDED and context:
        return gettext(_BOUNDED[kind]) % _facts(context)
    if kind in _PLAIN:
        return gettext(_PLAIN[kind])
    return message("value_invalid")
