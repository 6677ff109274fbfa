"""The permission policy: every page and API route asks here, on the server, per object.

Role rules say which kinds of user may use a feature (here); object rules say which records a
user may see (the scope table, `app.accounts.scopes`). A record outside the user's scope is
reported as absent (404, `NotFound`), never as forbidden.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise.queryset import QuerySet

from app.accounts.models import User
from app.accounts.roles import AccountStatus, Role
from app.orgs.regions import jurisdiction_prefix


class Action(StrEnum):
    VIEW_HOME = "home.view"
    MANAGE_PROFILE = "profile.manage"
    USE_API = "api.use"
    MANAGE_USERS = "users.manage"
    MANAGE_ORGANISATIONS = "organisations.manage"
    VIEW_ORGANISATIONS = "organisations.view"
    VERIFY_LAWYERS = "lawyers.verify"
    USE_DEADLINE_CALCULATOR = "deadlines.calculate"
    MANAGE_CALENDAR = "calendar.manage"
    VIEW_AUDIT = "audit.view"
    VIEW_CASES = "cases.view"
    BROWSE_CASES = "cases.browse"
    OPEN_CASES = "cases.open"
    RECORD_CASE_EVENTS = "case_events.record"
    VIEW_DETAINEES = "detainees.view"
    ADMIT_DETAINEES = "detainees.admit"
    ENGAGE_CLIENTS = "engagements.start"
    VIEW_ENGAGEMENTS = "engagements.view"
    REVIEW_DOCUMENTS = "documents.review"
    DOWNLOAD_DOCUMENTS = "documents.download"
    RECORD_TERMINATIONS = "engagements.terminate"
    VIEW_INBOX = "inbox.view"
    MANAGE_NOTIFICATIONS = "notifications.manage"
    VIEW_SUBMISSIONS = "submissions.view"
    FILE_SUBMISSIONS = "submissions.file"
    HANDLE_SUBMISSIONS = "submissions.handle"
    VIEW_COMPLAINTS = "complaints.view"
    FILE_COMPLAINTS = "complaints.file"
    RECORD_COMPLAINT_REPLIES = "complaints.record_reply"
    VIEW_MEETINGS = "meetings.view"
    REQUEST_MEETINGS = "meetings.request"
    BOOK_MEETINGS = "meetings.book"
    RUN_DAY_BOARD = "meetings.run_day"
    DECIDE_MEETING_PERMISSIONS = "meetings.decide_permission"
    MANAGE_FACILITY_SCHEDULE = "facility_schedule.manage"
    VIEW_FACILITY_SCHEDULE = "facility_schedule.view"
    MANAGE_CALENDAR_FEEDS = "calendar_feeds.manage"
    MANAGE_NOTIFICATION_PREFERENCES = "notification_preferences.manage"
    VIEW_ESCALATIONS = "escalations.view"
    RESOLVE_ESCALATIONS = "escalations.resolve"
    VIEW_COMPLIANCE = "compliance.view"  # the bar auditors' dashboard, reports and exports


_EVERY_ROLE = frozenset(Role)

ROLE_RULES: dict[Action, frozenset[Role]] = {
    Action.VIEW_HOME: _EVERY_ROLE,
    Action.MANAGE_PROFILE: _EVERY_ROLE,
    Action.USE_API: _EVERY_ROLE,
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.MANAGE_ORGANISATIONS: frozenset({Role.ADMIN}),
    Action.VIEW_ORGANISATIONS: _EVERY_ROLE,
    Action.VERIFY_LAWYERS: frozenset({Role.BAR_AUDITOR, Role.ADMIN}),
    Action.USE_DEADLINE_CALCULATOR: _EVERY_ROLE,
    Action.MANAGE_CALENDAR: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.BAR_AUDITOR, Role.ADMIN}),
    Action.VIEW_CASES: frozenset({Role.LAWYER, Role.INVESTIGATOR, Role.BAR_AUDITOR}),
    # The case register pages (/cases): lawyers reach their cases through their engagements
    # (/clients), which show only what their engagement entitles them to.
    Action.BROWSE_CASES: frozenset({Role.INVESTIGATOR, Role.BAR_AUDITOR}),
    Action.OPEN_CASES: frozenset({Role.INVESTIGATOR}),
    Action.RECORD_CASE_EVENTS: frozenset({Role.INVESTIGATOR, Role.DETENTION_STAFF}),
    Action.VIEW_DETAINEES: frozenset(
        {Role.DETENTION_STAFF, Role.INVESTIGATOR, Role.LAWYER, Role.BAR_AUDITOR}
    ),
    Action.ADMIT_DETAINEES: frozenset({Role.DETENTION_STAFF}),
    Action.ENGAGE_CLIENTS: frozenset({Role.LAWYER}),
    Action.VIEW_ENGAGEMENTS: frozenset(
        {Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR, Role.BAR_AUDITOR}
    ),
    Action.REVIEW_DOCUMENTS: frozenset({Role.DETENTION_STAFF}),
    # Auditors read metadata only, never document contents.
    Action.DOWNLOAD_DOCUMENTS: frozenset({Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR}),
    Action.RECORD_TERMINATIONS: frozenset({Role.INVESTIGATOR}),
    Action.VIEW_INBOX: _EVERY_ROLE,
    Action.MANAGE_NOTIFICATIONS: frozenset({Role.ADMIN}),
    Action.VIEW_SUBMISSIONS: frozenset({Role.LAWYER, Role.INVESTIGATOR, Role.BAR_AUDITOR}),
    Action.FILE_SUBMISSIONS: frozenset({Role.LAWYER}),
    Action.HANDLE_SUBMISSIONS: frozenset({Role.INVESTIGATOR}),
    # Complaints go to the procuratorate or the bar: the police see them only through replies.
    Action.VIEW_COMPLAINTS: frozenset({Role.LAWYER, Role.BAR_AUDITOR}),
    Action.FILE_COMPLAINTS: frozenset({Role.LAWYER}),
    Action.RECORD_COMPLAINT_REPLIES: frozenset({Role.BAR_AUDITOR}),
    # Meetings: auditors read times and statuses (never content, M4); staff enter phone
    # requests and walk-ins (M2) with the lawyer's form.
    Action.VIEW_MEETINGS: frozenset(
        {Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR, Role.BAR_AUDITOR}
    ),
    Action.REQUEST_MEETINGS: frozenset({Role.LAWYER, Role.DETENTION_STAFF}),
    Action.BOOK_MEETINGS: frozenset({Role.LAWYER, Role.DETENTION_STAFF}),
    Action.RUN_DAY_BOARD: frozenset({Role.DETENTION_STAFF}),
    Action.DECIDE_MEETING_PERMISSIONS: frozenset({Role.INVESTIGATOR}),
    Action.MANAGE_FACILITY_SCHEDULE: frozenset({Role.DETENTION_STAFF}),
    Action.VIEW_FACILITY_SCHEDULE: _EVERY_ROLE,
    Action.MANAGE_CALENDAR_FEEDS: frozenset({Role.LAWYER, Role.DETENTION_STAFF}),
    Action.MANAGE_NOTIFICATION_PREFERENCES: _EVERY_ROLE,
    # The responsible unit sees its undelivered statutory notices; auditors and admins all.
    Action.VIEW_ESCALATIONS: frozenset(
        {Role.INVESTIGATOR, Role.DETENTION_STAFF, Role.BAR_AUDITOR, Role.ADMIN}
    ),
    Action.RESOLVE_ESCALATIONS: frozenset({Role.INVESTIGATOR, Role.DETENTION_STAFF}),
    # Auditors within their jurisdiction, admins everywhere (issue 8).
    Action.VIEW_COMPLIANCE: frozenset({Role.BAR_AUDITOR, Role.ADMIN}),
}


class NotPermitted(Exception):
    """The user's role may not use this feature at all (403)."""


class NotFound(Exception):
    """The record does not exist or is outside the user's scope (404)."""


def allowed(user: User | None, action: Action) -> bool:
    return user is not None and user.is_active and user.role in ROLE_RULES[action]


def require(user: User | None, action: Action) -> User:
    if user is None or not allowed(user, action):
        raise NotPermitted(action.value)
    return user


def pending_lawyers_in_scope(user: User) -> QuerySet[User]:
    """Lawyers waiting for verification that this auditor (or admin) may verify."""
    pending = User.filter(role=Role.LAWYER, status=AccountStatus.PENDING)
    if user.role == Role.ADMIN:
        return pending
    if user.role == Role.BAR_AUDITOR and user.region_code:
        return pending.filter(region_code__startswith=jurisdiction_prefix(user.region_code))
    return pending.filter(id__in=[])


def flagged_lawyers_in_scope(user: User) -> QuerySet[User]:
    """Active lawyers whose licence the last register import no longer backs."""
    flagged = User.filter(role=Role.LAWYER, status=AccountStatus.ACTIVE).exclude(licence_flag="")
    if user.role == Role.ADMIN:
        return flagged
    if user.role == Role.BAR_AUDITOR and user.region_code:
        return flagged.filter(region_code__startswith=jurisdiction_prefix(user.region_code))
    return flagged.filter(id__in=[])


async def flagged_lawyer_for(user: User, lawyer_id: int) -> User:
    lawyer = await flagged_lawyers_in_scope(user).get_or_none(id=lawyer_id)
    if lawyer is None:
        raise NotFound("user")
    return lawyer


async def pending_lawyer_for(user: User, lawyer_id: int) -> User:
    lawyer = await pending_lawyers_in_scope(user).get_or_none(id=lawyer_id)
    if lawyer is None:
        raise NotFound("user")
    return lawyer


async def managed_user(user: User, user_id: int) -> User:
    require(user, Action.MANAGE_USERS)
    target = await User.get_or_none(id=user_id)
    if target is None:
        raise NotFound("user")
    return target
