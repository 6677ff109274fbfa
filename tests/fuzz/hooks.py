"""Schemathesis hooks for the API fuzz tests (loaded through SCHEMATHESIS_HOOKS).

Schemathesis's own ``positive_data_acceptance`` counts every 422 to a schema-valid request as a
failure, but a domain rule may refuse well-formed input (a window in the past, a length the
facility does not offer): the document cannot state those rules. The API marks a refusal
for breaking what the document *does* state with its own problem type, and this check fails
exactly when such a refusal meets a request the document says is valid.
"""

from __future__ import annotations

from typing import Any

import schemathesis

INVALID_INPUT = "tag:lawmeet,2026:problem:invalid-input"


@schemathesis.check
def edge_refuses_only_what_the_document_forbids(ctx: Any, response: Any, case: Any) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return
    try:
        body = response.json()
    except ValueError:
        return
    if isinstance(body, dict) and body.get("type") == INVALID_INPUT:
        raise AssertionError(
            f"A request the document says is valid was refused as malformed: {body['errors']}"
        )
