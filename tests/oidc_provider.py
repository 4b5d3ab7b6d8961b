"""A real OpenID Connect provider on loopback for the tests, built with Authlib's server side.

It serves a discovery document, a JWKS with a fresh RSA key, an authorisation endpoint that
signs in `provider.account` at once (no login page), and a token endpoint that issues RS256
id_tokens. The authorisation code flow requires PKCE (S256). Two faults can be switched on to
prove the relying party checks them: `mode = "wrong_nonce"` puts another nonce in the id_token,
and `mode = "expired"` issues one that expired an hour ago.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "arbeidsgiverpool"
CLIENT_SECRET = "test-client-secret"  # noqa: S105 - the loopback provider's test client


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        allowed = {"openid", "email", "profile"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    account: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


@dataclass
class Token(TokenMixin):
    data: dict

    def check_client(self, client):
        return True

    def get_scope(self):
        return self.data.get("scope", "")

    def get_expires_in(self):
        return 3600

    def is_expired(self):
        return False

    def is_revoked(self):
        return False


class Provider:
    """The provider's state: its key, the signed-in account, the codes, the fault mode."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.account: dict = {}
        self.mode = "ok"
        self.codes: dict[str, Code] = {}
        self.client: Client | None = None
        self.issuer = ""
        self.token_requests = 0
        self.last_authorize_args: dict = {}

    def build_app(self) -> Flask:
        provider = self
        app = Flask("test_oidc_provider")
        app.config["SECRET_KEY"] = secrets.token_hex(16)

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                nonce = data.get("nonce")
                if provider.mode == "wrong_nonce":
                    nonce = "not-the-nonce-you-sent"
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.get_client_id(),
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope,
                    account=dict(request.user),
                    nonce=nonce,
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                return item if item and item.client_id == client.get_client_id() else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.account

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return False

            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": "test-key"}

            def get_client_claims(self, client):
                now = int(time.time())
                expires = now - 3600 if provider.mode == "expired" else now + 300
                return {"iss": provider.issuer, "aud": [client.get_client_id()], "exp": expires}

            def generate_user_info(self, user, scope):
                return UserInfo(user)

        def query_client(client_id):
            return provider.client if client_id == CLIENT_ID else None

        def save_token(token, request):
            provider.token_requests += 1

        server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
        server.register_grant(
            CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)]
        )

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=provider.issuer,
                authorization_endpoint=provider.issuer + "/authorize",
                token_endpoint=provider.issuer + "/token",
                jwks_uri=provider.issuer + "/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
                scopes_supported=["openid", "email", "profile"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[provider.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            from flask import request

            provider.last_authorize_args = request.args.to_dict()
            grant = server.get_consent_grant(end_user=provider.account)
            # Consent is given at once: the test's account is signed in at the provider.
            return server.create_authorization_response(grant_user=provider.account, grant=grant)

        @app.post("/token")
        def token():
            return server.create_token_response()

        return app


def start_provider(redirect_uri: str):
    """Start a provider on 127.0.0.1:<free port>; returns (provider, stop)."""
    provider = Provider()
    app = provider.build_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    provider.client = Client(CLIENT_ID, CLIENT_SECRET, [redirect_uri])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()

    return provider, stop
