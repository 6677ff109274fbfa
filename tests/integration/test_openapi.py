"""The OpenAPI 3.1 document at /api/v1/openapi.json: generated from the routes and models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
from httpx import AsyncClient
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.routing import Route

from app.accounts.roles import Role
from app.api.framework import Endpoint, openapi_document
from app.main import VERSION, api_endpoints
from tests.integration.helpers import api_token, bearer, make_user

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
async def document(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def template_of(path: str) -> str:
    """Starlette's /users/{user_id:int} as OpenAPI's /users/{user_id}."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


async def test_document_is_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"]
    assert document["info"]["version"] == VERSION
    assert set(document) <= {
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    }


async def test_every_declared_endpoint_appears_with_its_method(document: dict[str, Any]) -> None:
    for endpoint in api_endpoints():
        item = document["paths"].get(template_of(endpoint.path))
        assert item is not None, endpoint.path
        assert endpoint.method.lower() in item, (endpoint.method, endpoint.path)


async def test_document_lists_exactly_the_apps_api_routes(
    document: dict[str, Any], app: Starlette
) -> None:
    served = {
        (template_of(route.path), method.lower())
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith("/api/v1/")
        for method in (route.methods or set()) - {"HEAD"}
    } - {("/api/v1/openapi.json", "get")}
    documented = {(path, method) for path, method, _ in operations(document)}
    assert documented == served


async def test_every_ref_resolves_inside_components(document: dict[str, Any]) -> None:
    found = list(refs(document))
    assert found, "the document uses no $ref at all"
    for ref in found:
        assert ref.startswith("#/components/"), ref
        resolve(document, ref)


async def test_no_pydantic_defs_are_left_behind(document: dict[str, Any]) -> None:
    assert "$defs" not in repr(document)


async def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))


async def test_every_operation_has_a_summary_tag_and_responses(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        assert operation["summary"], (path, method)
        assert operation["tags"], (path, method)
        assert operation["responses"], (path, method)
        for code in operation["responses"]:
            assert re.fullmatch(r"[1-5]\d\d", code), (path, method, code)


async def test_path_parameters_are_declared_and_required(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        in_template = set(re.findall(r"\{(\w+)\}", path))
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert declared == in_template, (path, method)
        for parameter in operation["parameters"]:
            if parameter["in"] == "path":
                assert parameter["required"] is True
                assert parameter["schema"]["type"] == "integer"


async def test_secured_operations_declare_bearer_and_their_401_and_403(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer"}
    for endpoint in api_endpoints():
        operation = document["paths"][template_of(endpoint.path)][endpoint.method.lower()]
        if endpoint.action is None:
            assert "security" not in operation
            continue
        assert operation["security"] == [{"bearer": []}]
        for code in ("401", "403"):
            content = operation["responses"][code]["content"]
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }


async def test_request_bodies_are_the_pydantic_models(document: dict[str, Any]) -> None:
    for endpoint in api_endpoints():
        if endpoint.body is None:
            continue
        operation = document["paths"][template_of(endpoint.path)][endpoint.method.lower()]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        model = resolve(document, schema["$ref"])
        expected = endpoint.body.model_json_schema()
        assert set(model["properties"]) == set(expected["properties"])
        assert set(model.get("required", [])) == set(expected.get("required", []))
        assert "422" in operation["responses"]


async def test_problem_schema_describes_field_errors(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    item = problem["properties"]["errors"]["items"]
    field_problem = resolve(document, item["$ref"])
    assert set(field_problem["properties"]) == {"field", "message"}


async def test_real_response_matches_its_documented_schema(
    client: AsyncClient, document: dict[str, Any]
) -> None:
    user = await make_user(Role.LAWYER)
    response = await client.get("/api/v1/me", headers=bearer(await api_token(user)))
    schema = document["paths"]["/api/v1/me"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    model = resolve(document, schema["$ref"])
    assert set(response.json()) == set(model["properties"])
    assert set(model["required"]) <= set(response.json())
    role = resolve(document, model["properties"]["role"]["$ref"])
    assert response.json()["role"] in role["enum"]


async def test_list_responses_are_arrays(document: dict[str, Any]) -> None:
    for endpoint in api_endpoints():
        if not endpoint.list_response:
            continue
        operation = document["paths"][template_of(endpoint.path)][endpoint.method.lower()]
        schema = operation["responses"][str(endpoint.status)]["content"]["application/json"]
        assert schema["schema"]["type"] == "array"


async def test_the_document_needs_no_token(client: AsyncClient) -> None:
    assert (await client.get("/api/v1/openapi.json")).status_code == 200


# The generator itself, on endpoints the app does not have yet


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Inner(BaseModel):
    colour: Colour


class Search(BaseModel):
    colour: Colour = Field(description="Filter by colour")
    limit: int = 10


class Outer(BaseModel):
    inner: Inner
    colours: list[Colour]


async def _handler(**kwargs: Any) -> None:
    return None


def test_query_parameters_with_enums_resolve_their_refs() -> None:
    endpoint = Endpoint(
        "GET", "/api/v1/things", _handler, "Things", "things", None, query=Search, response=Outer
    )
    document = openapi_document([endpoint], "0")
    for ref in refs(document):
        resolve(document, ref)
    (colour, limit) = document["paths"]["/api/v1/things"]["get"]["parameters"]
    assert (colour["name"], colour["in"], colour["required"]) == ("colour", "query", True)
    assert colour["description"] == "Filter by colour"
    assert (limit["name"], limit["required"]) == ("limit", False)


def test_nested_models_land_in_components() -> None:
    endpoint = Endpoint(
        "POST", "/api/v1/outer", _handler, "Outer", "things", None, body=Outer, response=Outer
    )
    document = openapi_document([endpoint], "0")
    assert {"Outer", "Inner", "Colour", "Problem", "FieldProblem"} <= set(
        document["components"]["schemas"]
    )
    for ref in refs(document):
        resolve(document, ref)
