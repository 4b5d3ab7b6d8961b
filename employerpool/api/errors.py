"""JSON errors for the API: `{"error": ..., "fields": {field: message}}`, in Norwegian."""

from __future__ import annotations

from pydantic import ValidationError

# pydantic error types -> Norwegian messages (context values are filled in).
MESSAGES = {
    "missing": "Feltet må fylles ut.",
    "extra_forbidden": "Ukjent felt.",
    "string_type": "Må være tekst.",
    "string_too_long": "Kan ikke være lenger enn {max_length} tegn.",
    "string_too_short": "Må ha minst {min_length} tegn.",
    "string_pattern_mismatch": "Har feil format.",
    "int_type": "Må være et helt tall.",
    "int_parsing": "Må være et helt tall.",
    "int_from_float": "Må være et helt tall.",
    "float_type": "Må være et tall.",
    "float_parsing": "Må være et tall.",
    "finite_number": "Må være et endelig tall.",
    "bool_type": "Må være true eller false.",
    "bool_parsing": "Må være true eller false.",
    "greater_than_equal": "Må være minst {ge}.",
    "less_than_equal": "Kan ikke være mer enn {le}.",
    "greater_than": "Må være større enn {gt}.",
    "less_than": "Må være mindre enn {lt}.",
    "enum": "Må være en av: {expected}.",
    "literal_error": "Må være en av: {expected}.",
    "date_type": "Må være en dato (ÅÅÅÅ-MM-DD).",
    "date_parsing": "Må være en dato (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_parsing": "Må være en dato (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_inexact": "Må være en dato (ÅÅÅÅ-MM-DD).",
    "list_type": "Må være en liste.",
    "too_long": "Kan ha høyst {max_length} elementer.",
    "too_short": "Må ha minst {min_length} elementer.",
    "dict_type": "Må være et objekt.",
    "model_type": "Må være et objekt.",
    "model_attributes_type": "Må være et objekt.",
    "value_error": "{error}",
}


class ApiError(Exception):
    """An error answered as JSON with `status`."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}

    def body(self) -> dict:
        return {"error": self.message, "fields": self.fields}


def _message(error: dict) -> str:
    template = MESSAGES.get(error["type"])
    if template is None:
        return error["msg"]
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        text = template.format(**ctx)
    except (KeyError, IndexError):
        text = error["msg"]
    # value_error messages come from our own validators ("Value error, <Norwegian text>").
    return text.removeprefix("Value error, ")


def validation_error(exc: ValidationError) -> ApiError:
    """A 422 naming each invalid field (dotted path) with a Norwegian message."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(name, _message(error))
    return ApiError(422, "Ugyldige felt", fields)
