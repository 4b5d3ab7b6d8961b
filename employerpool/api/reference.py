"""The browsable API reference at /api/v1/docs, rendered on the server from the OpenAPI
document itself, so that it uses the app's accessible layout (WCAG 2.1 AA) and no scripts."""

from __future__ import annotations

from dataclasses import dataclass, field

REF_PREFIX = "#/components/schemas/"


@dataclass
class Field:
    name: str
    type: str
    required: bool
    rules: str
    description: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    public: bool
    parameters: list[Field]
    body: str | None
    responses: list[tuple[str, str, str | None]]  # code, description, schema name


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Field] = field(default_factory=list)


def _type(schema: dict) -> str:
    """A short, readable type: `string`, `integer`, `list of Tag`, `VacancyOut`, ...; `?` = null."""
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF_PREFIX)
    if "anyOf" in schema:
        parts = [_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        return " | ".join(parts) + (" | null" if nullable else "")
    if schema.get("type") == "array":
        return f"liste av {_type(schema.get('items', {}))}"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"objekt av {_type(schema['additionalProperties'])}"
    kind = schema.get("type", "")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _rules(schema: dict) -> str:
    """Enums, bounds, lengths and patterns in words."""
    options = schema.get("anyOf", [schema])
    out: list[str] = []
    for s in options:
        if "enum" in s:
            out.append("én av: " + ", ".join(str(v) for v in s["enum"]))
        if "const" in s:
            out.append(f"alltid {s['const']}")
        for key, text in (
            ("minimum", "minst"),
            ("maximum", "høyst"),
            ("minLength", "minst tegn"),
            ("maxLength", "høyst tegn"),
            ("maxItems", "høyst elementer"),
        ):
            if key in s:
                out.append(f"{text} {s[key]}")
        if "pattern" in s:
            out.append(f"mønster {s['pattern']}")
    if "default" in schema and schema["default"] is not None:
        out.append(f"standard {schema['default']}")
    return "; ".join(out)


def _schema_name(content: dict | None) -> str | None:
    if not content:
        return None
    json_schema = content.get("application/json", {}).get("schema")
    if json_schema is None:
        return ", ".join(content)  # a file (CSV, XLSX)
    return _type(json_schema)


def build(document: dict) -> tuple[list[tuple[str, list[Operation]]], list[Schema]]:
    """Operations grouped by tag, and the schemas, from an OpenAPI 3.1 document."""
    groups: dict[str, list[Operation]] = {}
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            params = [
                Field(
                    p["name"] + (" (sti)" if p["in"] == "path" else ""),
                    _type(p["schema"]),
                    p.get("required", False),
                    _rules(p["schema"]),
                    p.get("description", ""),
                )
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content")
            groups.setdefault(op["tags"][0], []).append(
                Operation(
                    anchor=op["operationId"],
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    public="security" not in op,
                    parameters=params,
                    body=_schema_name(body),
                    responses=[
                        (code, r.get("description", ""), _schema_name(r.get("content")))
                        for code, r in op["responses"].items()
                        if code.startswith("2")
                    ],
                )
            )
    schemas = []
    for name, s in sorted(document["components"]["schemas"].items()):
        required = set(s.get("required", ()))
        schemas.append(
            Schema(
                name,
                s.get("description", ""),
                [
                    Field(prop, _type(ps), prop in required, _rules(ps), ps.get("description", ""))
                    for prop, ps in s.get("properties", {}).items()
                ],
            )
        )
    return sorted(groups.items()), schemas
