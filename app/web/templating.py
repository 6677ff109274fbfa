"""Jinja2 environment: autoescaped templates with gettext, navigation per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.accounts.models import User
from app.accounts.policy import Action, allowed
from app.law.catalogue import load_catalogue
from app.presentation import audit_labels, case_labels, i18n, messages, verification_labels
from app.presentation.checklist_labels import note_words
from app.presentation.legal_words import reference_words
from app.web.csrf import csrf_token
from app.web.forms import DEFAULT_ZONE, show_deadline, show_local, zone_in_words
from notifications.wording import day_in_words, span_in_words

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


def hours_in_words(hours: float) -> str:
    """Hours left on a clock (negative: overdue) as "29小时18分 剩余" / "3 h overdue"."""
    words = span_in_words(timedelta(hours=hours), i18n.current_locale.get())
    if hours < 0:
        return i18n.gettext("Overdue by %(span)s") % {"span": words}
    return i18n.gettext("%(span)s left") % {"span": words}


def _known_duty(duty_id: object) -> str | None:
    if not isinstance(duty_id, str) or not duty_id:
        return None
    try:
        return load_catalogue().by_id(duty_id).id
    except KeyError:
        return None


def law_link(duty_id: str, words: str) -> Markup:
    """Words that link to their duty's page of the statutory catalogue (/law/M1)."""
    return Markup('<a class="law-ref" href="/law/{}">{}</a>').format(duty_id, words)


def duty_title(duty_id: str | None) -> str:
    """A catalogue duty by its title in the visit's language ("48小时内安排会见"), not its code,
    linked to its page of the catalogue."""
    if not duty_id:
        return "—"
    known = _known_duty(duty_id)
    if known is None:
        return duty_id
    return law_link(known, load_catalogue().by_id(known).title.in_locale(i18n.current_locale.get()))


class DutyBasis(str):
    """A duty's legal basis as the catalogue writes it ("CPL 39(2); MPS 53"), knowing its duty:
    `legal_words` then links the words to the duty's page."""

    duty_id: str

    def __new__(cls, basis: str, duty_id: str) -> DutyBasis:
        made = super().__new__(cls, basis)
        made.duty_id = duty_id
        return made


def duty_basis(duty_id: str) -> DutyBasis:
    return DutyBasis(load_catalogue().by_id(duty_id).basis, duty_id)


def legal_words(reference: str | None, duty: str | None = None) -> str:
    """A legal reference in the visit's words; linked to its duty's page when the duty is known
    (given, or the reference is a `duty_basis`)."""
    words = reference_words(reference or "")
    known = _known_duty(duty or getattr(reference, "duty_id", None))
    return law_link(known, words) if known and words else words


def audit_changes(
    summary: dict[str, object] | None, zone: str | ZoneInfo | None = None
) -> list[audit_labels.Change]:
    """An audit entry's summary in the visit's words, times on the zone's clock."""
    name = zone.key if isinstance(zone, ZoneInfo) else zone
    return audit_labels.summary_changes(summary, i18n.current_locale.get(), name or DEFAULT_ZONE)


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
        **audit_labels.JINJA_LABELS,
        duty_basis=duty_basis,
        duty_title=duty_title,
        checklist_note=lambda note: note_words(note, i18n.current_locale.get()),
        audit_changes=audit_changes,
    )
    # What a person reads: times on the facility's clock with the zone in words, a deadline
    # that ends a day as 24:00, lengths of time and legal references in words.
    env.filters["local_time"] = show_local
    env.filters["deadline_time"] = show_deadline
    env.filters["zone_words"] = zone_in_words
    env.filters["span"] = lambda span: span_in_words(span, i18n.current_locale.get())
    env.filters["day_words"] = lambda day: day_in_words(day, i18n.current_locale.get())
    env.filters["hours_span"] = hours_in_words
    env.filters["hours_words"] = lambda hours: span_in_words(
        timedelta(hours=hours), i18n.current_locale.get()
    )
    env.filters["legal_words"] = legal_words
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
