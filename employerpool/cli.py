"""Command-line tools: `flask seed ...`, `flask users ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from employerpool.extensions import db


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(seed_group)
    app.cli.add_command(users_group)


@click.group("seed", cls=AppGroup)
def seed_group() -> None:
    """Demo data."""


def _print_logins() -> None:
    from employerpool.services.seed import DEMO_LOGINS, DEMO_PASSWORD

    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role, _partner in DEMO_LOGINS:
        click.echo(f"  {role.name:<17} {email}")


@seed_group.command("demo")
@click.option("--seed", "seed_value", default=2014, show_default=True, help="Random seed.")
@click.option("--candidates", default=2200, show_default=True)
@click.option("--employers", default=300, show_default=True)
@click.option("--vacancies", type=int, default=None, help="Default: twice the employers.")
def seed_demo_command(seed_value: int, candidates: int, employers: int, vacancies: int | None):
    """Load the deterministic demo data set into an empty database (demo mode only)."""
    from employerpool.services.seed import SeedRefused, seed_demo

    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("demo data is refused outside development and test")
    try:
        result = seed_demo(
            seed=seed_value, candidates=candidates, employers=employers, vacancies=vacancies
        )
    except SeedRefused as exc:
        click.echo(f"Demo data not loaded: {exc}.")
        return
    click.echo("Demo data loaded:")
    for name, count in result.counts.items():
        click.echo(f"  {name:<12} {count:>7}")
    click.echo("`flask seed logins` prints the demo logins.")


@seed_group.command("logins")
def seed_logins_command() -> None:
    """Print the demo logins."""
    _print_logins()


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """User accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "coordinator", "counsellor", "employer_contact", "employer"]),
)
@click.option("--partner", "partner_name", help="Partner name (staff roles).")
@click.option("--employer-orgnr", help="Organisasjonsnummer (employer role).")
def create_user(email, name, role, partner_name, employer_orgnr):
    """Create a user and print a one-time set-password link."""
    from employerpool.models import Employer, Partner, User
    from employerpool.models.enums import Role
    from employerpool.services.auth import issue_set_password_token

    role_enum = Role[role]
    user = User(email=email.strip().lower(), name=name, role=role_enum)
    if role_enum.is_staff:
        partner = db.session.scalar(select(Partner).where(Partner.name == partner_name))
        if partner is None:
            raise click.BadParameter("unknown partner", param_hint="--partner")
        user.partner = partner
    else:
        employer = db.session.scalar(select(Employer).where(Employer.orgnr == employer_orgnr))
        if employer is None:
            raise click.BadParameter("unknown employer", param_hint="--employer-orgnr")
        user.employer = employer
    if db.session.scalar(select(User.id).where(User.email == user.email)):
        raise click.BadParameter("a user with this e-mail exists", param_hint="--email")
    db.session.add(user)
    db.session.flush()
    token = issue_set_password_token(user)
    db.session.commit()
    with current_app.test_request_context():
        click.echo(url_for("auth.set_password_view", token=token, _external=True))
