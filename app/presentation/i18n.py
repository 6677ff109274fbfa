"""Translations: gettext catalogues per language, Chinese first, English second.

Message ids are the English texts; `translations/zh_CN/LC_MESSAGES/messages.po` carries the
Chinese. Catalogues are compiled in memory at start-up, so no build step is needed.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
LOCALES = ("zh-CN", "en")
LOCALE_NAMES = {"zh-CN": "中文", "en": "English"}
LOCALE_COOKIE = "lawmeet_lang"

current_locale: ContextVar[str] = ContextVar("current_locale", default="zh-CN")


def _catalogue_folder(locale: str) -> str:
    return locale.replace("-", "_")


@cache
def translations_for(locale: str) -> NullTranslations:
    po_file = TRANSLATIONS_DIR / _catalogue_folder(locale) / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as handle:
        catalogue = read_po(handle, locale=_catalogue_folder(locale))
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str) -> str:
    return translations_for(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(current_locale.get()).ngettext(singular, plural, n)


def pick_locale(
    switched: str | None, account: str | None, accept_language: str, default: str
) -> str:
    """The language of the pages of this visit: the one picked with the header's switch (a
    cookie), then the account's own language, then the browser's first known language. The
    switch never changes the language of notices (set at /profile/notifications)."""
    for candidate in (switched, account):
        if candidate in LOCALES:
            return candidate
    for language in _accepted_languages(accept_language):
        if language == "zh":
            return "zh-CN"
        if language == "en":
            return "en"
    return default


def _accepted_languages(header: str) -> list[str]:
    """Primary language subtags of an Accept-Language header, best first; q=0 means never."""
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, *params = part.split(";")
        quality = 1.0
        for param in params:
            name, _sep, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((quality, tag.strip().lower().split("-")[0]))
    return [language for _q, language in sorted(weighted, key=lambda item: -item[0])]


# Messages named by code in services (errors, statuses), given here so extraction finds them.
def _(message: str) -> str:
    return message


MESSAGES: dict[str, str] = {
    "required": _("This field is required."),
    "text_too_long": _("This text is too long."),
    "too_many_items": _("Too many entries."),
    "value_invalid": _("This value is not valid here."),
    "username_invalid": _(
        "User name: 3-64 lower-case letters, digits, dots, dashes or underscores."
    ),
    "username_taken": _("This user name is already taken."),
    "email_invalid": _("Enter a valid email address."),
    "phone_invalid": _("Enter a valid phone number."),
    "password_too_short": _("The password must have at least 10 characters."),
    "password_too_long": _("The password may have at most 128 characters."),
    "password_too_common": _("This password is too common; choose another."),
    "password_same_as_username": _("The password must differ from the user name."),
    "licence_not_17_digits": _("A practice-licence number has exactly 17 digits."),
    "licence_unknown_region": _("The first digits of the licence number name no known region."),
    "licence_bad_year": _("Digits 5-8 of the licence number must be a year of first practice."),
    "licence_taken": _("This licence number is already registered."),
    "organisation_required": _("Choose the organisation this account belongs to."),
    "lawyers_register_themselves": _("Lawyers register themselves and are verified by their bar."),
    "supervisor_investigators_only": _("Only an investigator of an agency can be its supervisor."),
    "not_pending": _("This account is not waiting for verification."),
    "cannot_disable_self": _("You cannot disable your own account."),
    "not_found": _("Not found."),
    "invalid": _("Wrong user name or password."),
    "throttled": _("Too many failed attempts. Wait %(minutes)s minutes and try again."),
    "pending": _("Your account is waiting for licence verification by your bar association."),
    "csrf": _("The form has expired or did not come from this site. Reload the page and retry."),
    "name_taken": _("This name is already used."),
    "region_invalid": _("Enter a six-digit region code such as 110108."),
    "timezone_invalid": _("Enter an IANA time zone such as Asia/Shanghai."),
    "passwords_differ": _("The two passwords differ."),
}

ROLE_LABELS: dict[str, str] = {
    "lawyer": _("Defence lawyer"),
    "detention_staff": _("Detention-centre staff"),
    "investigator": _("Investigator"),
    "bar_auditor": _("Bar-association auditor"),
    "admin": _("Administrator"),
}

STATUS_LABELS: dict[str, str] = {
    "pending": _("Pending verification"),
    "active": _("Active"),
    "disabled": _("Disabled"),
    "refused": _("Registration refused"),
}
