"""The co-defendant conflict in words: one lawyer registered for two detainees of one case,
which local implementing rules (e.g. Guangzhou, art. 4) bar. The facts are those of
``app.cases.engagements.CoDefendantConflict.facts``; the policy is settings.legal
``co_defendant_conflict`` ("warn" or "refuse"), named in the words so that it is visible."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from app.presentation.case_labels import ENGAGEMENT_KIND_LABELS
from app.presentation.i18n import _, current_locale, gettext
from notifications.wording import day_in_words


def other_engagement_words(facts: Mapping[str, Any]) -> str:
    """The other engagement as the lawyer knows it: her client, how she acts, since when."""
    kind = str(facts["kind"])
    day = date.fromisoformat(str(facts["registered_on"]))
    text = gettext("%(name)s (engagement #%(id)s: %(kind)s, registered on %(day)s)")
    return text % {
        "name": facts["co_defendant"],
        "id": facts["engagement_id"],
        "kind": gettext(ENGAGEMENT_KIND_LABELS.get(kind, kind)),
        "day": day_in_words(day, current_locale.get()),
    }


def _others(conflicts: Iterable[Mapping[str, Any]]) -> str:
    joiner = "; " if current_locale.get() == "en" else "；"
    return joiner.join(other_engagement_words(facts) for facts in conflicts)


def co_defendant_warning(conflicts: Iterable[Mapping[str, Any]], policy: str) -> str:
    """The conflicts of an engagement that stands: registered under "warn", or before the
    setting became "refuse"; the lawyer is told with which it conflicts, and what to do."""
    if policy == "refuse":
        text = gettext(
            "Conflict of interest: in this case you also defend %(others)s. Local implementing "
            "rules (e.g. Guangzhou, art. 4) bar one lawyer from defending linked co-defendants, "
            "and the setting co_defendant_conflict is now “refuse”: end one of them."
        )
    else:
        text = gettext(
            "Conflict of interest: in this case you also defend %(others)s. Local implementing "
            "rules (e.g. Guangzhou, art. 4) bar one lawyer from defending linked co-defendants. "
            "The setting co_defendant_conflict is “warn”: the engagement is registered, but "
            "you should end one of them."
        )
    return text % {"others": _others(conflicts)}


def co_defendant_refusal(facts: Mapping[str, Any]) -> str:
    """Policy "refuse": the error ``co_defendant_conflict`` (its facts: ``conflicts``)."""
    text = gettext(
        "Not registered: in this case you already defend %(others)s. Local implementing rules "
        "(e.g. Guangzhou, art. 4) bar one lawyer from defending linked co-defendants, and the "
        "setting co_defendant_conflict is “refuse”."
    )
    return text % {"others": _others(facts.get("conflicts") or ())}


# The code's words without its facts (a caller that has only the code).
CONFLICT_MESSAGES = {
    "co_defendant_conflict": _(
        "You already defend a co-defendant in this case; the setting co_defendant_conflict "
        "is “refuse”."
    ),
}

# Codes whose words carry the facts of the error (DomainError.extensions).
CONFLICT_FACT_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "co_defendant_conflict": co_defendant_refusal
}
