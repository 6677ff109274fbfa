"""Administration of the rest-day calendar: official years, imported years, importing a file."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Final

from babel.dates import format_date
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.law.calendar_store import (
    decode_calendar_file,
    import_calendar,
    imported_years,
    official_years,
)
from app.law.restdays import CalendarFileError
from app.presentation.i18n import _, gettext
from app.web.auth import permitted
from app.web.csrf import checked_form

_YEARS: Final = re.compile(r"\d{4}(,\d{4})*")
_BABEL_LOCALES: Final = {"zh-CN": "zh_CN", "en": "en_GB"}
NO_FILE: Final = _("Choose a CSV or TOML file to import.")


def _weekday(request: Request) -> Callable[[date], str]:
    locale = _BABEL_LOCALES.get(getattr(request.state, "locale", "zh-CN"), "zh_CN")
    return lambda d: str(format_date(d, format="EEEE", locale=locale))


async def _page(request: Request, error: str | None = None, status: int = 200) -> Response:
    imported = request.query_params.get("imported", "")
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "admin/calendar.html",
        {
            "official": official_years(),
            "imported": await imported_years(),
            "just_imported": imported if _YEARS.fullmatch(imported) else "",
            "error": error,
            "weekday": _weekday(request),
        },
        status_code=status,
    )


async def calendar_page(request: Request) -> Response:
    permitted(request, Action.MANAGE_CALENDAR)
    return await _page(request)


async def import_calendar_file(request: Request) -> Response:
    actor = permitted(request, Action.MANAGE_CALENDAR)
    form = await checked_form(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _page(request, gettext(NO_FILE), 400)
    try:
        text = decode_calendar_file(await upload.read())
        years = await import_calendar(text, upload.filename, actor)
    except CalendarFileError as exc:
        # The location names the line (CSV) or [[day]] entry (TOML) to fix.
        return await _page(request, str(exc), 400)
    finally:
        await upload.close()
    return RedirectResponse(
        f"/admin/calendar?imported={','.join(str(y) for y in years)}", status_code=303
    )


routes = [
    Route("/admin/calendar", calendar_page, methods=["GET"]),
    Route("/admin/calendar", import_calendar_file, methods=["POST"]),
]
