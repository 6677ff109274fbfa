"""Jinja2 environment: autoescaped templates with gettext, navigation per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.accounts.models import User
from app.accounts.policy import Action, allowed
from app.presentation import case_labels, i18n, messages, verification_labels
from app.web.csrf import csrf_token
from app.web.forms import show_local
from notifications.wording import span_in_words

TEMPLATES_DIR = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # an English message id, translated in the template
    action: Action


def _(message: str) -> str:
    return message


NAVIGATION = (
    NavItem("/", _("Home"), Action.VIEW_HOME),
    NavItem("/cases", _("Cases"), Action.BROWSE_CASES),
    NavItem("/clients", _("My clients"), Action.ENGAGE_CLIENTS),
    NavItem("/meetings", _("Meetings"), Action.VIEW_MEETINGS),
    NavItem("/board", _("Day board"), Action.RUN_DAY_BOARD),
    NavItem("/board/documents", _("Documents to check"), Action.REVIEW_DOCUMENTS),
    NavItem("/facility", _("Rooms and hours"), Action.MANAGE_FACILITY_SCHEDULE),
    NavItem("/tasks/permissions", _("Meeting permissions"), Action.DECIDE_MEETING_PERMISSIONS),
    NavItem("/escalations", _("Escalations"), Action.VIEW_ESCALATIONS),
    NavItem("/tasks/submissions", _("Submissions to handle"), Action.HANDLE_SUBMISSIONS),
    NavItem("/complaints", _("Complaints"), Action.VIEW_COMPLAINTS),
    NavItem("/detainees", _("Detainees"), Action.ADMIT_DETAINEES),
    NavItem("/deadlines", _("Deadline calculator"), Action.USE_DEADLINE_CALCULATOR),
    NavItem("/verification", _("Licence verification"), Action.VERIFY_LAWYERS),
    NavItem("/admin/users", _("Users"), Action.MANAGE_USERS),
    NavItem("/admin/organisations", _("Organisations"), Action.MANAGE_ORGANISATIONS),
    NavItem("/admin/calendar", _("Rest-day calendar"), Action.MANAGE_CALENDAR),
    NavItem("/compliance", _("Compliance audit"), Action.VIEW_COMPLIANCE),
    NavItem("/audit", _("Audit trail"), Action.VIEW_AUDIT),
    NavItem("/admin/notifications", _("Notifications"), Action.MANAGE_NOTIFICATIONS),
    NavItem("/inbox", _("Inbox"), Action.VIEW_INBOX),
    NavItem("/profile", _("Profile"), Action.MANAGE_PROFILE),
)


def navigation_for(user: User | None, available: frozenset[str]) -> list[NavItem]:
    return [item for item in NAVIGATION if item.path in available and allowed(user, item.action)]


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml", "txt"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.globals.update(
        LOCALES=i18n.LOCALES,
        LOCALE_NAMES=i18n.LOCALE_NAMES,
        ROLE_LABELS=i18n.ROLE_LABELS,
        STATUS_LABELS=i18n.STATUS_LABELS,
        message=messages.message,
        **case_labels.JINJA_GLOBALS,
        **verification_labels.JINJA_LABELS,
    )
    env.filters["local_time"] = show_local
    env.filters["span"] = lambda span: span_in_words(span, i18n.current_locale.get())
    return env


class Templates:
    def __init__(self, available_paths: frozenset[str]) -> None:
        self.env = build_environment()
        self.available_paths = available_paths

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        user: User | None = getattr(request.state, "user", None)
        values = {
            "request": request,
            "user": user,
            "locale": getattr(request.state, "locale", "zh-CN"),
            "csrf_token": csrf_token(request),
            "navigation": navigation_for(user, self.available_paths),
            "current_path": request.url.path,
            # Counted once per page request by WebContextMiddleware (shown on the inbox link).
            "unread_count": getattr(request.state, "unread_count", 0),
        }
        values.update(context or {})
        html = self.env.get_template(name).render(values)
        return HTMLResponse(html, status_code=status_code)
