"""Mail (issue 17): sent after the commit only, through SMTP or into the outbox folder."""

from __future__ import annotations

import os

from employerpool.extensions import db
from employerpool.services import mail
from tests.smtp import body, smtp_server  # noqa: F401 (fixture)


def test_a_message_goes_out_after_the_commit_and_not_after_a_rollback(
    app,
    smtp_server,  # noqa: F811
):
    with app.test_request_context():
        mail.send_after_commit(mail.message("a@test.no", "Rullet tilbake", "Skal ikke sendes."))
        db.session.rollback()
        assert smtp_server.settle(0.3) == []
        mail.send_after_commit(mail.message("b@test.no", "Hei", "Hei på deg, æøå."))
        assert smtp_server.settle(0.3) == []  # not before the commit
        db.session.commit()
    (sent,) = smtp_server.wait_for(1)
    assert sent["To"] == "b@test.no" and sent["From"] == "Arbeidsgiverpool <ikke-svar@test.no>"
    assert "æøå" in body(sent) and sent["Message-ID"]


def test_without_a_server_mail_goes_to_the_outbox_folder(app, tmp_path):
    app.config.update(MAIL_SERVER=None, MAIL_OUTBOX=str(tmp_path / "outbox"), MAIL_ASYNC=False)
    with app.test_request_context():
        mail.send_after_commit(mail.message("c@test.no", "Lenke", "Her er lenken."))
        db.session.commit()
    (name,) = os.listdir(tmp_path / "outbox")
    assert name.endswith(".eml")
    assert b"To: c@test.no" in (tmp_path / "outbox" / name).read_bytes()


def test_development_writes_mail_to_the_instance_outbox(_schema):
    from employerpool import create_app

    app = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": _schema})
    assert app.config["MAIL_OUTBOX"] == os.path.join(app.instance_path, "outbox")
    assert app.config["REQUIRE_2FA"] is False


def test_an_unreachable_server_is_logged_without_the_address(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_ASYNC=False, MAIL_TIMEOUT=2)
    with app.test_request_context():
        mail.send_after_commit(mail.message("hemmelig@test.no", "X", "Y"))
        db.session.commit()
    assert "mail not sent" in caplog.text and "hemmelig" not in caplog.text
