"""One registry of API operations: the same pydantic models validate requests and describe
them in the OpenAPI 3.1 document, so the description cannot drift from the code."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, Response, current_app, json, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from employerpool.api.errors import ApiError, validation_error

REF = "#/components/schemas/{model}"
# Every operation may answer with these (documented once, as JSON errors).
COMMON_ERRORS = (400, 401, 403, 404, 413, 415, 422, 429)
ERROR_TEXT = {
    400: "Ugyldig forespørsel",
    401: "Mangler eller ugyldig token",
    403: "Rollen har ikke tilgang",
    404: "Finnes ikke, eller er ikke synlig for deg",
    409: "Konflikt med eksisterende data",
    413: "For stor forespørsel",
    415: "Forespørselen må være JSON",
    422: "Ugyldige felt",
    429: "For mange forespørsler",
}


@dataclass
class Operation:
    """One API operation: its route, models and documentation."""

    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    public: bool = False
    files: dict[str, str] = field(default_factory=dict)  # extra media types: mime -> format
    description: str = ""
    also: tuple[int, ...] = ()  # other success statuses with the same body (e.g. 200 and 201)
    roles: tuple = ()  # roles that may call it at all (checked before the body is read)

    @property
    def path(self) -> str:
        """The OpenAPI path template of the Flask rule."""
        return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"<(?:[a-z_]+:)?([a-z_]+)>", self.rule)


class Registry:
    """The operations of one blueprint, registered through `operation()`."""

    def __init__(self, bp: Blueprint, prefix: str, title: str, version: str) -> None:
        self.bp, self.prefix, self.title, self.version = bp, prefix, title, version
        self.operations: list[Operation] = []

    def operation(
        self,
        method: str,
        rule: str,
        *,
        summary: str,
        tag: str,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        errors: tuple[int, ...] = (),
        public: bool = False,
        files: dict[str, str] | None = None,
        description: str = "",
        also: tuple[int, ...] = (),
        roles: tuple = (),
    ) -> Callable:
        """Register a view as an operation; it receives `query=` and `body=` as parsed models
        and returns a model (sent as JSON with `status`), a (model, status) pair or a Response."""

        def decorator(view: Callable) -> Callable:
            op = Operation(
                method.upper(),
                rule,
                view.__name__,
                summary,
                tag,
                query,
                body,
                response,
                status,
                errors,
                public,
                files or {},
                description,
                also,
                tuple(roles),
            )
            self.operations.append(op)

            @wraps(view)
            def wrapped(**path_args):
                if roles and current_user.role not in roles:
                    # A role that may not call this learns nothing from validation errors.
                    raise ApiError(403, ERROR_TEXT[403])
                kwargs = dict(path_args)
                if query is not None:
                    kwargs["query"] = parse(query, _query_dict(), location="query")
                if body is not None:
                    kwargs["body"] = parse(body, _json_body(), location="body")
                result = view(**kwargs)
                if isinstance(result, Response):
                    return result
                code = status
                if isinstance(result, tuple):
                    result, code = result
                return json_response(result.model_dump(mode="json"), code)

            self.bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
            return wrapped

        return decorator

    def document(self) -> dict:
        """The OpenAPI 3.1 document for every registered operation."""
        models: list[tuple[type[BaseModel], str]] = []
        for op in self.operations:
            if op.body is not None:
                models.append((op.body, "validation"))
            if op.response is not None:
                models.append((op.response, "serialization"))
        models.append((ErrorBody, "serialization"))
        keys, top = models_json_schema(models, ref_template=REF)
        schemas = top.get("$defs", {})
        paths: dict[str, dict] = {}
        for op in self.operations:
            paths.setdefault(self.prefix + op.path, {})[op.method.lower()] = self._operation(
                op, keys
            )
        return {
            "openapi": "3.1.0",
            "info": {
                "title": self.title,
                "version": self.version,
                "description": "JSON-API for Arbeidsgiverpool Groruddalen. Bearer-token per "
                "bruker; tokenet handler med brukerens rolle og partner.",
            },
            "servers": [{"url": "/"}],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
        }

    def _operation(self, op: Operation, keys: dict) -> dict:
        doc: dict = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": [],
            "responses": {},
        }
        if op.roles:
            names = ", ".join(role.name for role in op.roles)
            doc["description"] = f"{op.description}\n\nRoller: {names}.".strip()
        elif op.description:
            doc["description"] = op.description
        if not op.public:
            doc["security"] = [{"bearer": []}]
        for name in op.path_params:
            doc["parameters"].append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                }
            )
        if op.query is not None:
            schema = op.query.model_json_schema(ref_template=REF)
            required = set(schema.get("required", ()))
            for name, prop in schema.get("properties", {}).items():
                prop = _query_schema(prop)
                param = {"name": name, "in": "query", "required": name in required}
                if "description" in prop:
                    param["description"] = prop.pop("description")
                param["schema"] = prop
                doc["parameters"].append(param)
        if op.body is not None:
            doc["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": keys[(op.body, "validation")]}},
            }
        ok: dict = {"description": "OK"}
        content = {}
        if op.response is not None:
            content["application/json"] = {"schema": keys[(op.response, "serialization")]}
        for mime, fmt in op.files.items():
            content[mime] = {"schema": {"type": "string", "format": fmt}}
        if content:
            ok["content"] = content
        for code in (op.status, *op.also):
            doc["responses"][str(code)] = ok
        error_ref = {"application/json": {"schema": keys[(ErrorBody, "serialization")]}}
        for code in sorted({*COMMON_ERRORS, *op.errors} - ({401, 429} if op.public else set())):
            doc["responses"][str(code)] = {"description": ERROR_TEXT[code], "content": error_ref}
        return doc


def _query_schema(prop: dict) -> dict:
    """A query parameter's schema: optional means absent, so `null` is not a value here."""
    prop = {k: v for k, v in prop.items() if k != "title"}
    options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        prop.update(options[0])
    elif options:
        prop["anyOf"] = options
    if prop.get("default", "") is None:
        del prop["default"]
    return prop


# Ids are 32-bit in the database; a bigger number in a path is not a record (404), not an error.
MAX_ID = 2**31 - 1


class ErrorBody(BaseModel):
    """A JSON error: a message and, for field errors, one message per field."""

    error: str
    fields: dict[str, str] = {}


def json_response(payload, status: int = 200) -> Response:
    """A JSON response without HTML escaping surprises (application/json; charset=utf-8)."""
    return current_app.response_class(
        json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json"
    )


def _query_dict() -> dict:
    args = request.args
    for key in args:
        if len(args.getlist(key)) > 1:
            raise ApiError(422, "Ugyldige felt", {key: "Parameteren kan bare gis én gang."})
    return args.to_dict()


def _json_body():
    if not request.is_json:
        raise ApiError(415, ERROR_TEXT[415])
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        # json.loads recurses once per nesting level: a deeply nested body is no request.
        raise ApiError(400, "Kroppen er for dypt nøstet.") from None
    if data is None and request.get_data(cache=True):
        raise ApiError(400, "Kroppen er ikke gyldig JSON.")
    if not isinstance(data, dict):
        raise ApiError(422, "Ugyldige felt", {"body": "Kroppen må være et JSON-objekt."})
    return data


def _nul_path(value, path: str = "") -> str | None:
    """The dotted path of the first string holding a NUL character (PostgreSQL refuses them).

    Walks the body with a stack, not recursion: nesting depth is the client's choice.
    """
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return where or "body"
            continue
        if isinstance(item, dict):
            children = list(item.items())
        elif isinstance(item, list):
            children = list(enumerate(item))
        else:
            continue
        for key, child in reversed(children):
            name = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and "\x00" in key:
                return where or "body"
            stack.append((child, name))
    return None


def parse(model: type[BaseModel], data: dict, *, location: str) -> BaseModel:
    """Validate `data` against `model`; field errors become a 422 naming each field."""
    bad = _nul_path(data)
    if bad is not None:
        raise ApiError(422, "Ugyldige felt", {bad: "Teksten inneholder et ugyldig tegn (NUL)."})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None
