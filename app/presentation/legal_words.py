"""Legal references, counting rules and policy choices as a reader says them.

The catalogue (app/law/catalogue.toml), stored deadlines and the API keep their codes ("CPL 39(2);
MPS 53; R2015 art. 7", "CPL 105 / SPC 202", "decision_days_kind = calendar"); a page shows
《刑事诉讼法》第三十九条第二款；《公安机关办理刑事案件程序规定》第五十三条；
《关于依法保障律师执业权利的规定》第七条 to a Chinese reader and "Criminal Procedure Law, art.
39(2); ..." to an English one. `reference_words` reads every spelling used there (``R2015 art. 7``,
``R2015 Art 7``, ``R2015 arts. 7, 10``, ``MPS 52-53``), and the stored rule of a deadline, whose
policy parts ("policy P4 working days") are said from the label table below. A part it cannot
read is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

from app.law.basis import in_words
from app.law.explanations import ExplanationStep, render_explanation
from app.presentation import case_labels, i18n
from app.presentation.i18n import _
from notifications.wording import day_in_words, span_in_words, wall_clock_words, zone_words

# The policy parts a period engine's rule may name (app/law/periods.py), in words.
RULE_PART_LABELS: Final[dict[str, str]] = {
    "policy P6 target (not a statutory limit)": _("Target set by policy P6, not a statutory limit"),
    "policy P4 working days": _("decision limits counted in working days (policy P4)"),
}

# P1-P6 values in words (app/law/policies.py), by policy and value.
POLICY_VALUE_LABELS: Final[dict[str, dict[str, str]]] = {
    "meeting_clock_start": {
        "on_request": _("when the lawyer asks"),
        "after_document_check": _("after the documents are checked"),
    },
    "hour_start_rule": {
        "next_full_hour": _("from the next full hour (the starting hour is not counted)"),
        "exact": _("from the exact minute"),
    },
    "hour_periods_extend_on_holiday": {"true": _("Yes"), "false": _("No")},
    "decision_days_kind": {"calendar": _("calendar days"), "working": _("working days")},
}


def _language(language: str | None) -> str:
    return language or i18n.current_locale.get()


def _gettext(message: str, language: str) -> str:
    return i18n.translations_for(language).gettext(message)


def reference_words(reference: str, language: str | None = None) -> str:
    """A legal basis or a deadline's rule ("CPL 105 / SPC 202; policy P4 working days") in the
    reader's words; parts separated by ";" and "/" are said one by one."""
    language = _language(language)
    semicolon, slash = ("; ", " / ") if language == "en" else ("；", "、")
    parts = []
    for part in (p.strip() for p in reference.split(";")):
        if not part:
            continue
        if part in RULE_PART_LABELS:
            parts.append(_gettext(RULE_PART_LABELS[part], language))
            continue
        pieces = [p.strip() for p in part.split(" / ") if p.strip()]
        parts.append(slash.join(in_words(piece, language) for piece in pieces))
    return semicolon.join(parts)


_WALL_TIME: Final = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2})?)(?![\d:])")
_DAY: Final = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")


def _times_in_words(text: str, language: str) -> str:
    """Wall times ("2026-12-07 10:20") and days ("2026-12-08") of a counting step in words:
    "2026年12月7日（周一）10:20", "2026年12月8日"; the zone is named by the step itself."""

    def wall(match: re.Match[str]) -> str:
        try:
            moment = datetime.fromisoformat(f"{match[1]} {match[2]}")
        except ValueError:
            return match[0]
        return wall_clock_words(moment, language)

    def day(match: re.Match[str]) -> str:
        try:
            return day_in_words(datetime.fromisoformat(match[0]).date(), language)
        except ValueError:
            return match[0]

    return _DAY.sub(day, _WALL_TIME.sub(wall, text))


def explanation_words(steps: Iterable[ExplanationStep], language: str) -> list[str]:
    """A deadline's counting steps as a page shows them: the zone in words ("北京时间"), its
    identifier left to the API and the command line; times and days in words ("2026年12月7日
    （周一）10:20"). ValueError as `render_explanation`."""
    said = []
    for step in steps:
        params = {name: _times_in_words(value, language) for name, value in step.params.items()}
        if "tz" in step.params:
            params["tz"] = zone_words(step.params["tz"], language)
        said.append(ExplanationStep(step.code, params))
    return render_explanation(said, language)


def policy_value_words(name: str, value: object, language: str | None = None) -> str:
    """A policy's chosen value in words: P4 "calendar" is "calendar days" / "自然日"."""
    language = _language(language)
    if isinstance(value, bool):
        value = "true" if value else "false"
    if name == "permission_case_categories" and isinstance(value, list | tuple):
        labels = case_labels.CATEGORY_LABELS
        names = [_gettext(labels[str(v)], language) if str(v) in labels else str(v) for v in value]
        return ("、" if language != "en" else ", ").join(names)
    if name == "prompt_target_hours" and isinstance(value, int):
        return span_in_words(timedelta(hours=value), language)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    label = POLICY_VALUE_LABELS.get(name, {}).get(str(value))
    return _gettext(label, language) if label else str(value)
