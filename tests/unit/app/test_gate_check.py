"""The desk's gate check (CPL 39(2)) is one table of the domain, read by the walk-in page."""

from __future__ import annotations

import pytest

from app.cases.kinds import GATE_CHECK, REQUIRED_DOCUMENTS, EngagementKind, presented_at_gate


@pytest.mark.parametrize("kind", list(EngagementKind))
def test_each_required_document_is_one_item_of_the_gate_check(kind: EngagementKind) -> None:
    for document in REQUIRED_DOCUMENTS[kind]:
        items = [item for item, kinds in GATE_CHECK.items() if document in kinds]
        assert len(items) == 1, document


@pytest.mark.parametrize("kind", list(EngagementKind))
def test_ticking_every_item_presents_what_each_engagement_needs(kind: EngagementKind) -> None:
    assert set(REQUIRED_DOCUMENTS[kind]) <= presented_at_gate(set(GATE_CHECK))


def test_the_mandate_item_presents_either_mandate_and_an_unknown_item_nothing() -> None:
    assert {d.value for d in presented_at_gate({"mandate"})} == {
        "power_of_attorney",
        "legal_aid_letter",
    }
    assert presented_at_gate({"passport"}) == set()
