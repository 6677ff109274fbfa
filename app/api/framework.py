"""A small, typed layer over Starlette routes for the JSON API.

Each endpoint declares its request and response models; the wrapper parses and validates the
body and query, authenticates the bearer token, turns domain errors into problem+json, and the
same declarations generate the OpenAPI 3.1 document, which is never written by hand.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action, NotFound, NotPermitted, require
from app.accounts.scopes import MAX_ROW_ID
from app.accounts.tokens import authenticate_token
from app.api.fields import MAX_ID, NOT_HELD
from app.commands import field_path
from app.errors import DomainError
from app.presentation.i18n import _, gettext
from app.presentation.input_words import input_words, is_blank
from app.presentation.messages import error_message, message
from app.presentation.problems import INVALID_INPUT, FieldProblem, Problem, problem_response

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class FormField:
    """One field of a multipart form, as the document states it."""

    name: str
    schema: dict[str, Any]
    required: bool = True


FILE: Final[dict[str, Any]] = {"type": "string", "format": "binary"}


def choice(values: Iterable[str]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


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
    # Form fields of a multipart upload; the handler reads them.
    multipart: tuple[FormField, ...] = ()
    # A response that is a file rather than JSON: the media types it is served as.
    file_response: tuple[str, ...] = ()


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
    """Each bad field in the user's words, with the bound it broke."""
    return [
        FieldProblem(field=field_path(err) or "body", message=input_words(err))
        for err in exc.errors()
    ]


def _is_shape(exc: ValidationError) -> bool:
    """Whether some field breaks what the document states (type, bound, format), rather than
    only a rule the document cannot state (a window that ends before it starts)."""
    return not all(
        err["type"] in ("domain_rule", NOT_HELD) or is_blank(err) for err in exc.errors()
    )


def _invalid(errors: list[FieldProblem], shape: bool = False) -> Response:
    return problem_response(
        422,
        gettext(_("Invalid request")),
        gettext(_("Some fields are not valid.")),
        errors,
        problem_type=INVALID_INPUT if shape else "about:blank",
    )


def _not_found() -> Response:
    return problem_response(404, gettext(_("Not found")), message("not_found"))


def _refused_input(exc: ValidationError) -> Response:
    if all(err["type"] == NOT_HELD for err in exc.errors()):
        return _not_found()  # ids no key can hold name nothing there is
    return _invalid(_field_problems(exc), _is_shape(exc))


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
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return problem_response(
        exc.status, title, error_message(exc), errors, headers=headers, extensions=extensions
    )


def _needs_body(model: type[BaseModel]) -> bool:
    return any(field.is_required() for field in model.model_fields.values())


def _runner(endpoint: Endpoint) -> Handler:
    # A handler that needs the request (e.g. for app.state.settings) declares a `request` argument.
    wants_request = "request" in inspect.signature(endpoint.handler).parameters

    async def run(request: Request) -> Response:
        try:
            kwargs: dict[str, Any] = dict(request.path_params)
            if wants_request:
                kwargs["request"] = request
            if endpoint.action is not None:
                kwargs["user"] = require(await _bearer_user(request), endpoint.action)
            if any(isinstance(v, int) and not 1 <= v <= MAX_ROW_ID for v in kwargs.values()):
                return _not_found()  # an id no key can hold
            if endpoint.query is not None:
                # Query values are text: validated as such ("5" is a number, "0.5" no time).
                kwargs["query"] = endpoint.query.model_validate_strings(dict(request.query_params))
            if endpoint.body is not None:
                raw = await request.body()
                if not raw and not _needs_body(endpoint.body):
                    raw = b"{}"  # every field has a default: the body may be left out
                kwargs["body"] = endpoint.body.model_validate_json(raw)
            return _encode(endpoint, await endpoint.handler(**kwargs))
        except ValidationError as exc:
            return _refused_input(exc)
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
            return _not_found()
        except DomainError as exc:
            return domain_problem(exc)

    return run


def as_routes(endpoints: list[Endpoint]) -> list[Route]:
    """One route per path, answering each of its methods: a method the path does not have gets
    405 with an Allow header naming all that it has (RFC 9110)."""
    by_path: dict[str, dict[str, Handler]] = {}
    for endpoint in endpoints:
        by_path.setdefault(endpoint.path, {})[endpoint.method] = _runner(endpoint)
    routes = []
    for path, runners in by_path.items():

        async def dispatch(request: Request, runners: dict[str, Handler] = runners) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            response: Response = await runners[method](request)
            return response

        routes.append(Route(path, dispatch, methods=list(runners)))
    return routes


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
            schema: dict[str, Any] = {"type": "string"}
            if kind == "int":  # beyond what a key holds is simply not found (visible_row)
                schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _params(path: str) -> list[str]:
    return [p["name"] for p in _path_parameters(path)]


def _links(ep: Endpoint, endpoints: list[Endpoint]) -> dict[str, Any]:
    """OpenAPI links from a change that answers with a resource to the operations on that
    resource: the resource's id parameter is the one of the GET answering with the same model
    (what a client, and schemathesis's stateful tests, follow from one call to the next)."""
    if ep.method == "GET" or ep.response is None or ep.list_response:
        return {}
    ids = {
        _params(other.path)[0]
        for other in endpoints
        if other.method == "GET" and other.response is ep.response and len(_params(other.path)) == 1
    }
    return {
        other.handler.__name__: {
            "operationId": other.handler.__name__,
            "parameters": {f"path.{_params(other.path)[0]}": "$response.body#/id"},
        }
        for other in endpoints
        if other is not ep and len(_params(other.path)) == 1 and _params(other.path)[0] in ids
    }


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
                "required": _needs_body(ep.body),
                "content": {"application/json": {"schema": _schema_ref(ep.body, components)}},
            }
        if ep.multipart:
            schema = {
                "type": "object",
                "properties": {one.name: one.schema for one in ep.multipart},
                "required": [one.name for one in ep.multipart if one.required],
            }
            operation["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": schema}},
            }
        if ep.file_response:
            binary = {"schema": {"type": "string", "format": "binary"}}
            operation["responses"]["200"] = {
                "description": "The file",
                "content": {media_type: binary for media_type in ep.file_response},
            }
        elif ep.response is not None:
            ref = _schema_ref(ep.response, components)
            schema = {"type": "array", "items": ref} if ep.list_response else ref
            operation["responses"][str(ep.status)] = {
                "description": "OK",
                "content": {"application/json": {"schema": schema}},
            }
            if links := _links(ep, endpoints):
                operation["responses"][str(ep.status)]["links"] = links
        else:
            operation["responses"]["204"] = {"description": "Done"}
        codes = set(ep.errors) | ({401, 403} if ep.action else set())
        codes |= {422} if (ep.body or ep.query) else set()
        codes |= {404} if "{" in ep.path or ep.body else set()  # an id outside the user's view
        codes |= {400, 413, 415, 422} if ep.multipart else set()  # unreadable, large, wrong type
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
