"""RFC 9457 problem details, the body of every API error."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.responses import JSONResponse

PROBLEM_TYPE = "application/problem+json"
# The problem type of a request that breaks what the OpenAPI document states about its fields
# (a type, bound or format), as opposed to a domain rule refusing well-formed input.
INVALID_INPUT = "tag:lawmeet,2026:problem:invalid-input"


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldProblem] = []


def problem_response(
    status: int,
    title: str,
    detail: str = "",
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
    problem_type: str = "about:blank",
) -> JSONResponse:
    body: dict[str, Any] = Problem(
        type=problem_type, title=title, status=status, detail=detail, errors=errors or []
    ).model_dump()
    # RFC 9457 extension members (e.g. a conflict's free alternatives); never override the core.
    body.update({k: v for k, v in (extensions or {}).items() if k not in body})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE, headers=headers)
