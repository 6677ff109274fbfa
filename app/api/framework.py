"""A small, typed layer over Starlette routes for the JSON API.

Each endpoint declares its request and response models; the wrapper parses and validates the
body and query, authenticates the bearer token, turns domain errors into problem+json, and the
same declarations generate the OpenAPI 3.1 document, which is never written by hand.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action, NotFound, NotPermitted, require
from app.accounts.tokens import authenticate_token
from app.commands import error_code, field_path
from app.errors import DomainError
from app.presentation.i18n import _, gettext
from app.presentation.messages import error_message, message
from app.presentation.problems import FieldProblem, Problem, problem_response

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    action: Action | None  # None: no sign-in needed
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    list_response: bool = False
    status: int = 200
    errors: tuple[int, ...] = field(default=())
    # Form fields of a multipart upload: (name, "string" | "binary"); the handler reads them.
    multipart: tuple[tuple[str, str], ...] = ()
    # A response that is a file rather than JSON: its media type, for the OpenAPI document.
    file_response: str | None = None


class Unauthorised(Exception):
    pass


class InvalidInput(Exception):
    """A domain rule refused valid-looking input: 422 with a field error per (field, message)."""

    def __init__(self, field: str, message: str, *more: tuple[str, str]) -> None:
        super().__init__(f"{field}: {message}")
        self.errors = [(field, message), *more]


async def _bearer_user(request: Request) -> User:
    header = request.headers.get("authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw:
        raise Unauthorised()
    user = await authenticate_token(raw.strip())
    if user is None:
        raise Unauthorised()
    return user


def _field_problems(exc: ValidationError) -> list[FieldProblem]:
    """Each bad field in the user's words, as a domain command's error would say it."""
    return [
        FieldProblem(field=field_path(err) or "body", message=message(error_code(err)))
        for err in exc.errors()
    ]


def _invalid(errors: list[FieldProblem]) -> Response:
    return problem_response(
        422, gettext(_("Invalid request")), gettext(_("Some fields are not valid.")), errors
    )


def _encode(endpoint: Endpoint, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    content: Any
    if endpoint.list_response:
        content = [item.model_dump(mode="json") for item in result]
    else:
        content = result.model_dump(mode="json") if result is not None else None
    if content is None:
        return Response(status_code=204)
    return JSONResponse(content, status_code=endpoint.status)


_STATUS_TITLES = {
    409: _("Conflict"),
    413: _("File too large"),
    415: _("Unsupported file type"),
    429: _("Too many requests"),
}


def domain_problem(exc: DomainError) -> Response:
    """A service's refusal as problem+json: field errors as 422, other statuses as given."""
    errors = [
        FieldProblem(field=one.field, message=error_message(one)) for one in exc.each() if one.field
    ]
    if exc.status == 400 and errors:
        return _invalid(errors)
    title = gettext(_STATUS_TITLES.get(exc.status, _("Bad request")))
    extensions = getattr(exc, "extensions", None)  # JSON-ready extra members, when a service adds
    return problem_response(exc.status, title, error_message(exc), errors, extensions=extensions)


def as_route(endpoint: Endpoint) -> Route:
    # A handler that needs the request (e.g. for app.state.settings) declares a `request` argument.
    wants_request = "request" in inspect.signature(endpoint.handler).parameters

    async def run(request: Request) -> Response:
        try:
            kwargs: dict[str, Any] = dict(request.path_params)
            if wants_request:
                kwargs["request"] = request
            if endpoint.action is not None:
                kwargs["user"] = require(await _bearer_user(request), endpoint.action)
            if endpoint.query is not None:
                kwargs["query"] = endpoint.query.model_validate(dict(request.query_params))
            if endpoint.body is not None:
                raw = await request.body()
                try:
                    kwargs["body"] = endpoint.body.model_validate_json(raw or b"{}")
                except ValidationError as exc:
                    return _invalid(_field_problems(exc))
            return _encode(endpoint, await endpoint.handler(**kwargs))
        except ValidationError as exc:
            return _invalid(_field_problems(exc))
        except InvalidInput as exc:
            return _invalid([FieldProblem(field=f, message=m) for f, m in exc.errors])
        except Unauthorised:
            return problem_response(
                401,
                gettext(_("Sign-in required")),
                gettext(_("Send a valid API token as 'Authorization: Bearer <token>'.")),
                headers={"WWW-Authenticate": 'Bearer realm="lawmeet"'},
            )
        except NotPermitted:
            return problem_response(
                403, gettext(_("Not allowed")), gettext(_("Your account may not do this."))
            )
        except NotFound:
            return problem_response(404, gettext(_("Not found")), message("not_found"))
        except DomainError as exc:
            return domain_problem(exc)

    return Route(endpoint.path, run, methods=[endpoint.method], name=endpoint.handler.__name__)


REF_TEMPLATE = "#/components/schemas/{model}"


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    params = []
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            name, _sep, kind = part[1:-1].partition(":")
            schema = {"type": "integer"} if kind == "int" else {"type": "string"}
            params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def openapi_document(endpoints: list[Endpoint], version: str) -> dict[str, Any]:
    components: dict[str, Any] = {}
    problem_ref = _schema_ref(Problem, components)
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        path = "/".join(
            "{" + p[1:-1].partition(":")[0] + "}" if p.startswith("{") else p
            for p in ep.path.split("/")
        )
        operation: dict[str, Any] = {
            "operationId": ep.handler.__name__,
            "summary": ep.summary,
            "tags": [ep.tag],
            "parameters": _path_parameters(ep.path),
            "responses": {},
        }
        if ep.query is not None:
            query = ep.query.model_json_schema(ref_template=REF_TEMPLATE)
            components.update(query.pop("$defs", {}))  # enums and nested models of parameters
            for name, info in query.get("properties", {}).items():
                operation["parameters"].append(
                    {
                        "name": name,
                        "in": "query",
                        "required": name in query.get("required", []),
                        "schema": info,
                        "description": info.get("description", ""),
                    }
                )
        if ep.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema_ref(ep.body, components)}},
            }
        if ep.multipart:
            binary = {"type": "string", "format": "binary"}
            properties = {
                name: binary if kind == "binary" else {"type": "string"}
                for name, kind in ep.multipart
            }
            schema = {"type": "object", "properties": properties, "required": list(properties)}
            operation["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": schema}},
            }
        if ep.file_response is not None:
            operation["responses"]["200"] = {
                "description": "The file",
                "content": {ep.file_response: {"schema": {"type": "string", "format": "binary"}}},
            }
        elif ep.response is not None:
            ref = _schema_ref(ep.response, components)
            schema = {"type": "array", "items": ref} if ep.list_response else ref
            operation["responses"][str(ep.status)] = {
                "description": "OK",
                "content": {"application/json": {"schema": schema}},
            }
        else:
            operation["responses"]["204"] = {"description": "Done"}
        codes = set(ep.errors) | ({401, 403} if ep.action else set())
        codes |= {422} if (ep.body or ep.query) else set()
        for code in sorted(codes):
            operation["responses"][str(code)] = {
                "description": "Problem",
                "content": {"application/problem+json": {"schema": problem_ref}},
            }
        if ep.action is not None:
            operation["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[ep.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "lawmeet API", "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def openapi_response(document: dict[str, Any]) -> Response:
    return Response(
        json.dumps(document, ensure_ascii=False, indent=1), media_type="application/json"
    )
