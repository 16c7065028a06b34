"""`hub`: serve, migrate, seed, mint development tokens, print the schema."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import click
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import VerifyResult
from datasources.audit_anchor import AnchorReport, build_checkpoint_publisher, verify_published
from datasources.blob_stores import build_blob_store
from datasources.checkpoint_sinks import CheckpointSinkError
from datasources.engines import build_engines, dispose_engines
from datasources.migrations import upgrade
from datasources.migrations.state import DatabaseNotReady, current_revisions, require_migrated
from datasources.models.fcr import ParticipantRow
from datasources.sql_audit import SqlAuditTrail
from demo_data.scenarios import MIN_PARTICIPANTS
from demo_data.seeding import DEFAULT_SEED, SEEDED_SOURCES, seed_all
from policy.commands import policy_group
from policy.gate import load_gate
from policy.retention import RETENTION_YEARS, years_before
from policy.tokens import ROLES, ClaimsRefused, issue_token
from settings import (
    AUDIT_CHECKPOINT_SINK,
    HOST,
    LOG_FORMAT,
    PORT,
    SQL_SOURCES,
    Settings,
    SettingsError,
    load_settings,
)
from telemetry.logs import configure_logging

T = TypeVar("T")
DISTRIBUTION = "child-support-hub"


class HubCommands(click.Group):
    """The `hub` group: a mistake its user can mend is one line and an exit code, not a traceback.

    Every command (and `hub policy`, `hub audit`) runs inside `invoke`, so settings that do
    not describe a runnable hub, and a database that is missing, unreachable or not migrated,
    are answered here once.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            click.echo(f"configuration error: {error}", err=True)
            sys.exit(2)
        except DatabaseNotReady as error:
            click.echo(str(error), err=True)
            sys.exit(1)


@click.group(cls=HubCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION, prog_name="hub")
def main() -> None:
    """The child support data exchange hub."""
    configure_logging(LOG_FORMAT.read(os.environ))


@main.command()
@click.option(
    "--host",
    metavar="ADDRESS",
    default=None,
    help=f"Interface address to bind ({HOST.env}, default {HOST.default}).",
)
@click.option(
    "--port",
    metavar="PORT",
    type=click.IntRange(1, 65535),
    default=None,
    help=f"TCP port number to listen on ({PORT.env}, default {PORT.default}).",
)
def serve(host: str | None, port: int | None) -> None:
    """Serve GraphQL and GraphiQL at /graphql."""
    import uvicorn

    from app import create_app
    from transport.draining import Draining
    from transport.http_protocol import HubH11Protocol
    from transport.hub_server import HubServer

    settings = load_settings()
    load_gate(settings.policy_file)  # a policy that does not load is one line, before serving
    asyncio.run(_require_migrated(settings, SQL_SOURCES))
    pid_file = settings.data_dir / "hub.pid"
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{os.getpid()}\n")
    draining = Draining()  # on SIGTERM: /readyz 503, WebSockets closed with 1001
    config = uvicorn.Config(
        lambda: create_app(settings, draining=draining),
        factory=True,  # built in the server's event loop
        host=host or settings.host,
        port=port or settings.port,
        # access lines would carry query strings, and GET queries can carry PII: the
        # hub writes its own (`hub.access`), and uvicorn's lines go through its handler
        access_log=False,
        log_config=None,
        http=HubH11Protocol,  # an unparsable request is refused with a contract code
        log_level="info",
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
    )
    server = HubServer(config, draining=draining)
    try:
        server.run()
    finally:
        pid_file.unlink(missing_ok=True)
    if not server.started:
        sys.exit(3)  # as uvicorn.run: the app did not start (its error is logged above)


async def _require_migrated(settings: Settings, sources: tuple[str, ...]) -> None:
    """Raise `DatabaseNotReady` unless every one of `sources` is at its newest migration."""
    engines = build_engines({source: settings.database_urls[source] for source in sources})
    try:
        await require_migrated(engines, sources)
    finally:
        await dispose_engines(engines)


async def _migrate_all() -> None:
    settings = load_settings()
    engines = build_engines(settings.database_urls)
    try:
        for source in SQL_SOURCES:
            await current_revisions(source, engines[source])  # unreachable: one line, not a trace
            await upgrade(source, engines[source])
            click.echo(f"{source}: up to date")
    finally:
        await dispose_engines(engines)


@main.command()
def migrate() -> None:
    """Bring every configured source's database up to the newest migration."""
    asyncio.run(_migrate_all())


async def _seed(participants: int, seed: int, if_empty: bool) -> None:
    settings = load_settings()
    await _require_migrated(settings, SEEDED_SOURCES)
    engines = build_engines(settings.database_urls)
    blobs = build_blob_store(settings)
    try:
        if if_empty:
            async with engines["fcr"].connect() as conn:
                existing = await conn.scalar(select(func.count()).select_from(ParticipantRow))
            if existing:
                click.echo(f"already seeded ({existing} participants); leaving the data as it is")
                return
        summary = await seed_all(
            engines, participants=participants, seed=seed, progress=True, blobs=blobs
        )
        click.echo(str(summary))
    finally:
        await dispose_engines(engines)
        await blobs.close()


@main.command()
@click.option(
    "--participants",
    metavar="N",
    type=click.IntRange(min=MIN_PARTICIPANTS),
    default=3000,
    show_default=True,
    help=f"Number of synthetic participants (people) to create; at least {MIN_PARTICIPANTS}.",
)
@click.option(
    "--seed",
    "seed_value",
    metavar="S",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Random seed, an integer: the same seed and N give the same data.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when data is already there.")
def seed(participants: int, seed_value: int, if_empty: bool) -> None:
    """Replace the demo data with deterministic synthetic data."""
    asyncio.run(_seed(participants, seed_value, if_empty))


_ROLE_HELP = f"Who the token is for: one of {', '.join(ROLES)}."
_SUB_HELP = "The user the token names (default: the role and a random suffix)."


@main.command()
@click.option("--role", metavar="ROLE", type=click.Choice(ROLES), required=True, help=_ROLE_HELP)
@click.option(
    "--jurisdiction",
    metavar="CODE",
    default=None,
    help='State FIPS code ("06") for a state_worker, tribal code ("T0001") for a'
    ' tribal_worker (both required there); a country code or "FED" otherwise.',
)
@click.option(
    "--fein",
    metavar="NN-NNNNNNN",
    default=None,
    help="The organisation's FEIN; required for employer, insurer, financial_institution.",
)
@click.option("--fti", is_flag=True, help="Cleared for Federal Tax Information.")
@click.option("--sub", "subject", metavar="SUBJECT", default=None, help=_SUB_HELP)
@click.option(
    "--ttl",
    metavar="SECONDS",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="Lifetime of the token in seconds (the hub allows 30 s of clock skew past it).",
)
def token(
    role: str, jurisdiction: str | None, fein: str | None, fti: bool, subject: str | None, ttl: int
) -> None:
    """Print a token the hub accepts with its current token settings.

    A role's token must carry the claims its access rules follow: a jurisdiction for
    state and tribal workers, a FEIN for employers, insurers and financial institutions.
    """
    try:
        minted = issue_token(
            load_settings().token,
            role=role,
            subject=subject,
            jurisdiction=jurisdiction,
            fein=fein,
            fti=fti,
            ttl_seconds=ttl,
        )
    except ClaimsRefused as refused:
        raise click.BadParameter(str(refused), param_hint=f"'--{refused.claim}'") from None
    click.echo(minted)


@main.command("schema")
def print_schema() -> None:
    """Print the SDL the hub serves."""
    from schema import schema as hub_schema

    click.echo(hub_schema.as_str())


@main.group()
def audit() -> None:
    """Check, checkpoint and purge the tamper-evident audit trail."""


async def _on_audit(work: Callable[[Settings, AsyncEngine], Awaitable[T]]) -> T:
    settings = load_settings()
    await _require_migrated(settings, ("audit",))
    engines = build_engines({"audit": settings.database_urls["audit"]})
    try:
        return await work(settings, engines["audit"])
    finally:
        await dispose_engines(engines)


async def _on_audit_trail(work: Callable[[SqlAuditTrail], Awaitable[T]]) -> T:
    return await _on_audit(lambda _settings, engine: work(SqlAuditTrail(engine)))


def _verified(result: VerifyResult) -> bool:
    if result.ok:
        click.echo(f"audit chain intact: {result.checked} events checked")
        return True
    click.echo(
        f"audit chain broken at seq {result.first_bad_seq}: {result.problem}"
        f" ({result.checked} events checked before it)"
    )
    return False


def _anchored(report: AnchorReport | None) -> bool:
    if report is None:
        click.echo(f"no checkpoints are published ({AUDIT_CHECKPOINT_SINK.env} is empty)")
        return True
    for fault in report.faults:
        click.echo(f"audit anchor: {fault}")
    if report.ok:
        click.echo(f"published checkpoints: {report.checked} agree with the database")
    return report.ok


async def _verify_anchored(settings: Settings, engine: AsyncEngine) -> bool:
    intact = _verified(await SqlAuditTrail(engine).verify())
    return _anchored(await verify_published(settings, engine)) and intact


@audit.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain and hold it to the published checkpoints.

    Exit 1 naming the first altered or missing event, or each published checkpoint that
    is forged or that the database contradicts.
    """
    if not asyncio.run(_on_audit(_verify_anchored)):
        sys.exit(1)


async def _verify_and_purge(trail: SqlAuditTrail, cutoff: datetime) -> int | None:
    if not _verified(await trail.verify()):
        return None
    return await trail.purge(older_than=cutoff)


@audit.command("purge")
@click.option(
    "--years",
    metavar="YEARS",
    type=click.IntRange(min=1),
    default=RETENTION_YEARS,
    show_default=True,
    help="Retention period in years: events dated before it are deleted.",
)
def audit_purge(years: int) -> None:
    """Delete events older than the retention period; a broken chain is kept as evidence."""
    cutoff = years_before(datetime.now(UTC), years)
    purged = asyncio.run(_on_audit_trail(lambda trail: _verify_and_purge(trail, cutoff)))
    if purged is None:
        click.echo("refusing to purge: the chain must verify first")
        sys.exit(1)
    click.echo(f"purged {purged} audit events dated before {cutoff.isoformat()}")


async def _checkpoint(settings: Settings, engine: AsyncEngine) -> int | None:
    trail = SqlAuditTrail(engine)
    publisher = build_checkpoint_publisher(settings, trail, engine)
    if publisher is None:
        await trail.checkpoint()
        return None
    try:
        return await publisher.publish_due()
    finally:
        await publisher.close()


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Record the newest event's hash as a checkpoint, and publish it signed to the sink."""
    try:
        published = asyncio.run(_on_audit(_checkpoint))
    except CheckpointSinkError as error:
        click.echo(f"audit checkpoint recorded, but not published: {error}", err=True)
        sys.exit(1)
    click.echo("audit checkpoint recorded")
    if published is not None:
        click.echo(f"published {published} checkpoints")


main.add_command(policy_group)
from state_sim.command import state_sim  # noqa: E402

main.add_command(state_sim)
