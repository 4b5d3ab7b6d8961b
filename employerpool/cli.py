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
    app.cli.add_command(retention_group)
    app.cli.add_command(tokens_group)
    app.cli.add_command(partners_group)


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
@click.option(
    "--bulk/--no-bulk",
    default=None,
    help="Batched inserts for national sizes. Default: from 10 000 candidates up.",
)
def seed_demo_command(
    seed_value: int, candidates: int, employers: int, vacancies: int | None, bulk: bool | None
):
    """Load the deterministic demo data set into an empty database (demo mode only)."""
    import time

    from employerpool.services.seed import SeedRefused, seed_demo

    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("demo data is refused outside development and test")
    started = time.perf_counter()
    try:
        result = seed_demo(
            seed=seed_value,
            candidates=candidates,
            employers=employers,
            vacancies=vacancies,
            bulk=bulk,
        )
    except SeedRefused as exc:
        click.echo(f"Demo data not loaded: {exc}.")
        return
    elapsed = time.perf_counter() - started
    click.echo(f"Demo data loaded in {elapsed:.1f} s ({db.engine.dialect.name}):")
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
        if partner is None or not partner.active:
            raise click.BadParameter("unknown or deactivated partner", param_hint="--partner")
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


@click.group("tokens", cls=AppGroup)
def tokens_group() -> None:
    """API bearer tokens."""


@tokens_group.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None)
def create_token_command(email: str, name: str, expires_days: int | None) -> None:
    """Create a token acting as the user and print it (shown once; only a hash is stored)."""
    from employerpool.models import User
    from employerpool.models.enums import AuditAction
    from employerpool.services import audit
    from employerpool.services.tokens import create_token

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.BadParameter("no active user with this e-mail", param_hint="--email")
    token, secret = create_token(user, name, expires_days=expires_days)
    db.session.flush()
    audit.record(AuditAction.create, "api_token", token.id, user=user, detail={"via": "cli"})
    db.session.commit()
    click.echo(secret)


@tokens_group.command("revoke")
@click.argument("prefix_or_id")
def revoke_token_command(prefix_or_id: str) -> None:
    """Revoke a token by its id or its prefix (as listed by `flask tokens list`)."""
    from employerpool.models import ApiToken
    from employerpool.models.enums import AuditAction
    from employerpool.services import audit
    from employerpool.services.tokens import revoke

    if prefix_or_id.isascii() and prefix_or_id.isdigit():
        found = [t for t in [db.session.get(ApiToken, int(prefix_or_id))] if t is not None]
    else:
        found = db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix_or_id)).all()
    if len(found) != 1:
        raise click.BadParameter("no single token with this id or prefix")
    revoke(found[0])
    audit.record(
        AuditAction.update,
        "api_token",
        found[0].id,
        user=found[0].user,
        detail={"revoked": True, "via": "cli"},
    )
    db.session.commit()
    click.echo(f"revoked token {found[0].id} ({found[0].prefix}…)")


@tokens_group.command("list")
def list_tokens_command() -> None:
    """List tokens: id, prefix, user id, role, name, expiry and whether revoked."""
    from employerpool.models import ApiToken

    for t in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = "revoked" if t.revoked_at else "active"
        expires = t.expires_at.date().isoformat() if t.expires_at else "-"
        click.echo(
            f"{t.id}\t{t.prefix}\tuser {t.user_id}\t{t.user.role.name}\t{t.name}"
            f"\texpires {expires}\t{state}"
        )


@click.group("retention", cls=AppGroup)
def retention_group() -> None:
    """Retention: erase personal data kept longer than needed."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be erased; change nothing.")
def retention_run(dry_run: bool) -> None:
    """Erase inactive candidates and expired employer-side proposals (ids only in the output)."""
    from employerpool.services import retention

    plan = retention.plan()
    click.echo(
        f"Candidates without activity since {plan.inactive_before:%Y-%m-%d}: {len(plan.candidates)}"
    )
    for item in plan.candidates:
        click.echo(
            f"  candidate {item.candidate_id:>8}  last activity {item.last_activity:%Y-%m-%d}"
        )
    click.echo(
        f"Proposals to employers made before {plan.proposed_before:%Y-%m-%d} without a "
        f"placement: {len(plan.proposals)}"
    )
    for item in plan.proposals:
        click.echo(f"  match {item.match_id:>8}  proposed {item.proposed_at:%Y-%m-%d}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    done = retention.run(plan)
    click.echo(
        f"Erased {done['candidates']} candidates; cleared {done['proposals']} proposals "
        f"({done['notes']} notes)."
    )


@click.group("partners", cls=AppGroup)
def partners_group() -> None:
    """Partner organisations (NAV offices, districts, IMDi, Oslo VO)."""


@partners_group.command("create")
@click.option("--name", required=True, help="For example «NAV Alna».")
@click.option(
    "--kind", required=True, type=click.Choice(["nav", "district", "imdi", "adult_education"])
)
@click.option(
    "--district",
    type=click.Choice(["Alna", "Bjerke", "Grorud", "Stovner", "other_oslo"]),
    help="The district it serves, if one.",
)
@click.option(
    "--programme",
    "programmes",
    multiple=True,
    type=click.Choice(["KVP", "Intro", "Jobbsjansen", "YNO", "AMO", "other"]),
    help="A programme the partner runs (repeat for several).",
)
@click.option(
    "--sso-only", is_flag=True, help="Staff sign in through single sign-on only (no passwords)."
)
def create_partner_command(name, kind, district, programmes, sso_only):
    """Add a partner organisation."""
    from employerpool.models.enums import District, PartnerKind, Programme
    from employerpool.services.accounts import AccountError
    from employerpool.services.partners import create_partner

    # A request context for the (bokmål) messages and the audit trail's anonymous actor.
    with current_app.test_request_context():
        try:
            partner = create_partner(
                name,
                PartnerKind[kind],
                District[district] if district else None,
                [Programme[p] for p in programmes],
                password_login=not sso_only,
            )
        except AccountError as error:
            raise click.BadParameter(error.message, param_hint="--name") from None
        db.session.commit()
    click.echo(f"Partner {partner.id} created: {partner.name}")


@partners_group.command("list")
def list_partners_command():
    """List the partners: id, name, kind, district, programmes, sign-in and status."""
    from employerpool.services.partners import all_partners

    for p in all_partners():
        programmes = ",".join(x.name for x in p.programmes) or "-"
        sign_in = "password+sso" if p.password_login else "sso-only"
        status = "active" if p.active else "inactive"
        district = p.district.name if p.district else "-"
        click.echo(
            f"{p.id:>4}  {p.name:<32} {p.kind.name:<16} {district:<11} {programmes:<24} "
            f"{sign_in:<12} {status}"
        )
