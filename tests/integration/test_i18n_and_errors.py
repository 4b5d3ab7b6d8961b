"""Language selection, Norwegian error pages and the 500 handler."""

from __future__ import annotations

from tests.conftest import csrf_token, login


def test_interface_is_bokmal_by_default_and_english_on_request(client, make_user):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="nb">' in html and "Passord" in html
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"lang": "en", "next": "/login", "csrf_token": token})
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Password" in html and "Log in" in html


def test_language_switch_refuses_unknown_languages(client):
    token = csrf_token(client, "/login")
    assert client.post("/language", data={"lang": "xx", "csrf_token": token}).status_code == 400


def test_unknown_page_gives_a_norwegian_404(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.get_data(as_text=True)


def test_a_crash_gives_a_norwegian_500_without_traceback(app, make_user):
    user = make_user()

    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    login(client, user.email)
    response = client.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Noe gikk galt" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_security_headers_are_set(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
