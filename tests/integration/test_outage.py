"""A database outage: the connection is cut by a TCP proxy between the app and PostgreSQL.

`/healthz` still answers 200 (it touches neither the database nor the session), `/readyz` 503,
pages a clean Norwegian 503 page with Retry-After, the API a JSON 503; when the proxy lets
connections through again, the same app serves again without a restart.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading

import pytest

from employerpool import create_app
from employerpool.extensions import db
from employerpool.models.enums import Role
from tests.conftest import login

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="cuts a TCP connection to PostgreSQL"
)


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the database until `cut()`; `restore()` listens again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and drop every open connection, as a failed database host would."""
        with self.lock:
            doomed, self.sockets = self.sockets, []
            if self.listener is not None:
                doomed.append(self.listener)
                self.listener = None
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxied_app(app, _schema):
    """A second app on the same database, reached through the proxy."""
    url = db.engine.url
    proxy = CuttableProxy((url.host, url.port or 5432))
    proxy.restore()
    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": _schema.replace(
                f"{url.host}:{url.port}", f"127.0.0.1:{proxy.port}"
            ),
            "SERVER_NAME": "localhost",
        }
    )
    yield proxied, proxy
    proxy.cut()
    with proxied.app_context():
        db.engine.dispose()


def test_an_outage_answers_503_and_the_app_recovers_without_a_restart(
    proxied_app, make_user, bearer
):
    proxied, proxy = proxied_app
    user = make_user(Role.counsellor)
    headers = bearer(user)
    client = proxied.test_client()
    assert login(client, user.email).status_code == 302
    assert client.get("/start").status_code == 200

    proxy.cut()

    health = client.get("/healthz")  # with the session cookie, which it must not read
    assert health.status_code == 200 and health.get_json() == {"status": "ok"}
    probe = proxied.test_client()  # a load balancer's probe sends no cookie
    ready = probe.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["database"] == "unavailable"
    page = client.get("/start")
    assert page.status_code == 503
    assert int(page.headers["Retry-After"]) > 0
    html = page.get_data(as_text=True)
    assert "midlertidig utilgjengelig" in html and "<form" not in html.split("<main", 1)[-1]
    anonymous = proxied.test_client().get("/login")
    assert anonymous.status_code in (200, 503)
    api = client.get("/api/v1/employers", headers=headers)
    assert api.status_code == 503
    assert api.is_json and api.get_json()["error"]
    assert int(api.headers["Retry-After"]) > 0

    proxy.restore()

    assert client.get("/start").status_code == 200  # still logged in: same session
    assert probe.get("/readyz").get_json()["checks"]["database"] == "ok"
    assert client.get("/api/v1/employers", headers=headers).status_code == 200
