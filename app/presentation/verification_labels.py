"""English message ids of licence verification and the register import; Chinese in the catalogue."""

from __future__ import annotations

from app.presentation.i18n import _

REGISTER_STATUS_LABELS: dict[str, str] = {
    "practising": _("Practising"),
    "suspended": _("Suspended from practice"),
    "revoked": _("Licence revoked"),
    "cancelled": _("Licence cancelled"),
}

IMPORT_OUTCOME_LABELS: dict[str, str] = {
    "added": _("Added"),
    "changed": _("Changed"),
    "unchanged": _("Unchanged"),
    "refused": _("Refused"),
}

REGISTER_FIELD_LABELS: dict[str, str] = {
    "name": _("Name"),
    "law_firm": _("Law firm"),
    "status": _("Status"),
}

VERIFICATION_MESSAGES: dict[str, str] = {
    "register_licence_not_found": _(
        "The licence number is not on the bar association's register: the account cannot be "
        "verified. Refuse it with a reason, or import a newer register."
    ),
    "register_not_practising": _(
        "The register shows this licence as not practising: the account cannot be verified."
    ),
    "register_name_differs": _(
        "The register gives this licence number to someone of another name: the account cannot "
        "be verified."
    ),
    "refusal_reason_required": _("Give the reason for refusing: the lawyer is told it."),
    "refusal_reason_too_long": _("Keep the reason under 500 characters."),
    "licence_not_flagged": _("This lawyer's licence is not flagged."),
    "register_file_required": _("Choose the register file (CSV) to import."),
    "register_too_large": _("The register file is larger than 5 MB."),
    "register_encoding": _("The file cannot be read as text (UTF-8 or GB18030)."),
    "register_header": _(
        "The first line must name the columns: licence number (执业证号), name (姓名), "
        "firm (执业机构) and status (执业状态)."
    ),
    "register_empty": _("The register file is empty."),
    "register_no_valid_lines": _(
        "No line of the file could be taken, so nothing was imported and the register is unchanged."
    ),
    "register_outside_jurisdiction": _("The licence belongs to another bar's jurisdiction."),
    "register_name_missing": _("The name is missing."),
    "register_status_unknown": _(
        "The status is not one of 执业, 停止执业, 吊销 or 注销 (practising, suspended, revoked, "
        "cancelled)."
    ),
    "register_duplicate_line": _("The licence number appears on an earlier line of the file."),
    "registration_refused": _("A bar-association auditor refused your registration: %(reason)s"),
}

JINJA_LABELS = {
    "REGISTER_STATUS_LABELS": REGISTER_STATUS_LABELS,
    "IMPORT_OUTCOME_LABELS": IMPORT_OUTCOME_LABELS,
    "REGISTER_FIELD_LABELS": REGISTER_FIELD_LABELS,
}
