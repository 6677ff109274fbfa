"""The statutory catalogue (catalogue.toml), validated with pydantic when first loaded.

Every duty of LEGAL_RULES.md is a row: who owes it, what starts it, its period and kind for the
period engine, the policies it depends on, its legal basis and what counts as fulfilment.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.law.periods import Period, PeriodError, PeriodKind

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")
POLICY_IDS = frozenset({"P1", "P2", "P3", "P4", "P5", "P6"})

Owner = Literal[
    "detention_centre",
    "investigating_authority",
    "case_agency",
    "police",
    "procuratorate",
    "deciding_organ",
]
Fulfilment = Literal[
    "meeting_started",
    "notice_delivered",
    "acknowledged",
    "decision",
    "reply",
    "recorded",
    "custody_within_limit",
    "standing",
]


class Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    zh_cn: str = Field(alias="zh-CN", min_length=1)
    en: str = Field(min_length=1)

    def in_locale(self, locale: str) -> str:
        return self.zh_cn if locale == "zh-CN" else self.en


class Duty(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[MNOCK][0-9]$")
    owed_by: Owner
    trigger: str = Field(min_length=1)
    period: str | None = None
    period_kind: PeriodKind | None = None
    statutory: bool
    policies: tuple[str, ...]
    basis: str = Field(min_length=1)
    fulfilment: Fulfilment
    template: str | None = None
    deadline_event: str | None = None  # a duty due before an event rather than within a period
    title: Texts
    explanation: Texts

    @field_validator("period")
    @classmethod
    def _period_parses(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Period.parse(value)
            except PeriodError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("policies")
    @classmethod
    def _known_policies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - POLICY_IDS
        if unknown:
            raise ValueError(f"unknown policies {sorted(unknown)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Duty:
        if self.period is not None and self.period_kind is None:
            raise ValueError("a period needs its period_kind")
        if self.period_kind == PeriodKind.TARGET and self.statutory:
            raise ValueError("a target (policy P6) is not a statutory limit")
        if self.fulfilment == "notice_delivered" and not self.template:
            raise ValueError("a notice duty names its notification template")
        return self

    @property
    def parsed_period(self) -> Period | None:
        return Period.parse(self.period) if self.period else None


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    duty: tuple[Duty, ...]

    @field_validator("duty")
    @classmethod
    def _unique_ids(cls, value: tuple[Duty, ...]) -> tuple[Duty, ...]:
        ids = [d.id for d in value]
        if len(ids) != len(set(ids)):
            raise ValueError("duty ids must be unique")
        return value

    def by_id(self, duty_id: str) -> Duty:
        for duty in self.duty:
            if duty.id == duty_id:
                return duty
        raise KeyError(duty_id)


def parse_catalogue(text: str) -> Catalogue:
    return Catalogue.model_validate(tomllib.loads(text))


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    return parse_catalogue(path.read_text(encoding="utf-8"))
