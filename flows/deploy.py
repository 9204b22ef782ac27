"""``duban deploy``: every scheduled duban flow as a deployment of a Prefect work pool.

The multi-machine layout: one Prefect server (``PREFECT_API_URL``) holds the deployments and
their schedules; ``prefect worker start --pool NAME`` on any machine with duban installed and
``DUBAN_DATABASE_URL`` set runs the flow runs. Entrypoints are module paths and the deployments
have no storage or pull steps, so a worker imports the flows from its installed duban: nothing
is built, pushed or uploaded. Re-running updates the pool and the deployments in place (Prefect
finds a deployment by ``flow/name``), and un-pauses them; it never adds a second one.
"""

from __future__ import annotations

from dataclasses import dataclass

import typer

from config import get_settings
from flows.console import CommandSet, console
from flows.deployments import DEPLOYMENTS, deployments
from tasks.errors import ConfigError


@dataclass(frozen=True)
class Deployed:
    """One deployment as registered: its full name, cron and the pool that runs it."""

    name: str
    cron: str
    work_pool: str


def ensure_work_pool(name: str, pool_type: str = "process", concurrency: int | None = None) -> bool:
    """Create the work pool if it is missing (True), else set its concurrency limit if one is given."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate, WorkPoolUpdate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template() if pool_type == "process" else {}
            client.create_work_pool(WorkPoolCreate(name=name, type=pool_type, base_job_template=template,
                                                   concurrency_limit=concurrency))
            return True
        if pool.type != pool_type:
            raise ConfigError(f"work pool {name!r} exists with type {pool.type!r}, not {pool_type!r}: choose "
                              "another --pool name or --pool-type")
        if concurrency is not None and pool.concurrency_limit != concurrency:
            client.update_work_pool(name, WorkPoolUpdate(concurrency_limit=concurrency))
        return False


def deploy_all(work_pool: str, pool_type: str = "process", concurrency: int | None = None,
               crons: dict[str, str] | None = None) -> list[Deployed]:
    """Create or update the pool and one deployment per registered flow on the configured server."""
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise ConfigError("duban deploy needs the Prefect server that the workers share: start one "
                          "(`prefect server start`) and set PREFECT_API_URL to its API, e.g. "
                          "http://prefect-host:4200/api (a temporary server would vanish with this command)")
    ensure_work_pool(work_pool, pool_type, concurrency)
    done = []
    for deployment, spec in zip(deployments(work_pool, crons), DEPLOYMENTS, strict=True):
        deployment.apply(work_pool_name=work_pool)
        done.append(Deployed(f"{deployment.flow_name}/{deployment.name}",
                             (crons or {}).get(spec.name) or spec.cron, work_pool))
    return done


commands = CommandSet()


@commands.command("deploy")
def deploy(pool: str | None = typer.Option(None, "--pool", help="Work pool name (default settings.work_pool, "
                                           "DUBAN_WORK_POOL: duban)."),
           pool_type: str = typer.Option("process", "--pool-type", help="Work pool type when it is created."),
           concurrency: int | None = typer.Option(None, "--concurrency", min=0,
                                                  help="Most flow runs the pool runs at once (default "
                                                  "DUBAN_WORK_POOL_CONCURRENCY; unset: unchanged)."),
           reminders_cron: str | None = typer.Option(None, "--reminders-cron", help="Reminder sweep cron "
                                                     "(default DUBAN_SCHEDULES__REMINDERS: 0 9 * * *)."),
           status_cron: str | None = typer.Option(None, "--status-cron", help="Status collection cron "
                                                  "(default DUBAN_SCHEDULES__STATUS: 30 9 * * *)."),
           evaluations_cron: str | None = typer.Option(None, "--evaluations-cron", help="Due evaluations cron "
                                                       "(default DUBAN_SCHEDULES__EVALUATIONS: 0 8 15 1 *).")
           ) -> None:
    """Deploy every scheduled flow to a Prefect work pool (idempotent); workers on any machine run them.

    Needs PREFECT_API_URL. Then, on each machine with duban installed and DUBAN_DATABASE_URL set:
    `prefect worker start --pool NAME`. Schedules live on the server in settings.timezone.
    """
    settings = get_settings()
    crons = {name: cron for name, cron in (("daily-reminders", reminders_cron), ("daily-status-collection",
             status_cron), ("yearly-evaluations", evaluations_cron)) if cron}
    name = pool or settings.work_pool
    limit = concurrency if concurrency is not None else settings.work_pool_concurrency
    for d in deploy_all(name, pool_type, limit, crons):
        console.print(f"deployed {d.name} on pool {d.work_pool} ({d.cron} {settings.timezone})", highlight=False)
    console.print(f"start workers with: prefect worker start --pool {name}", highlight=False)
