"""The registry of scheduled duban flows that ``duban serve`` and ``duban deploy`` register.

Flows join by adding a ``DeploymentSpec`` to ``DEPLOYMENTS`` (an explicit registry). Each flow
decides itself whether today is a working day, so the schedules are plain daily crons, read from
``settings.schedules`` (``DUBAN_SCHEDULES__REMINDERS`` etc.) when the deployments are built.
Entrypoints are module paths (``flows.reminders.send_reminders``): a worker imports the flow from
the installed duban, so no code storage, image or pull step is needed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from config import get_settings
from tasks.errors import ValidationFailed


@dataclass(frozen=True)
class DeploymentSpec:
    """One scheduled deployment of a flow: ``flow`` is ``module:attribute``; ``schedule`` a cron.

    ``schedule`` may also name a field of ``settings.schedules`` (``reminders``, ``status``,
    ``evaluations``), read each time ``cron`` is asked for, so settings and options apply.
    """

    flow: str
    name: str
    schedule: str
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    concurrency_limit: int | None = 1  # never two runs of one deployment at once (the ledger assumes it)

    @property
    def cron(self) -> str:
        """The cron this deployment runs on (in ``settings.timezone``)."""
        schedules = get_settings().schedules
        if self.schedule == "reminders" and schedules.reminders is None:
            return f"0 {get_settings().reminders.send_hour} * * *"
        return getattr(schedules, self.schedule, None) or self.schedule

    @property
    def entrypoint(self) -> str:
        """The module-path entrypoint a worker imports (``package.module.flow_function``)."""
        module, attribute = self.flow.split(":")
        return f"{module}.{attribute}"


DEPLOYMENTS: list[DeploymentSpec] = [
    DeploymentSpec("flows.reminders:send_reminders", "daily-reminders", "reminders",
                   description="Deadline reminders and escalations, every working day."),
    DeploymentSpec("flows.evaluation:evaluate_due_plans", "yearly-evaluations", "evaluations",
                   description="Mid-term and final evaluation reports of the plans whose review year just ended."),
    DeploymentSpec("flows.status:collect_status", "daily-status-collection", "status",
                   description="Open each plan's due reporting round; chase only the units that have not reported."),
]


def register(spec: DeploymentSpec) -> None:
    """Add a flow's deployment to ``duban serve`` and ``duban deploy`` (idempotent by name)."""
    if all(existing.name != spec.name for existing in DEPLOYMENTS):
        DEPLOYMENTS.append(spec)


def deployments(work_pool: str | None = None, crons: dict[str, str] | None = None) -> list:
    """The Prefect RunnerDeployments of every registered flow, in the office's timezone.

    ``work_pool`` makes them deployments of that pool (run by ``prefect worker start --pool``);
    ``crons`` overrides a spec's cron by deployment name.
    """
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    built = []
    for spec in DEPLOYMENTS:
        module, attribute = spec.flow.split(":")
        flow = getattr(importlib.import_module(module), attribute)
        cron = (crons or {}).get(spec.name) or spec.cron
        try:
            schedule = Cron(cron, timezone=get_settings().timezone)
        except ValueError as exc:
            raise ValidationFailed(f"schedule of {spec.name} ({spec.schedule}): {exc}") from None
        built.append(flow.to_deployment(name=spec.name, schedules=[schedule],
                                        parameters=spec.parameters or None, description=spec.description or None,
                                        concurrency_limit=spec.concurrency_limit, work_pool_name=work_pool,
                                        entrypoint_type=EntrypointType.MODULE_PATH))
    return built
