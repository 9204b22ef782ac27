"""Plans: bringing a plan document in and keeping it.

Owns reading documents (``importers/``, a registry keyed by format), the schedule language
(``deadlines``), targets in tables and prose, the one import pipeline (``intake``), storing
revisions (``store``, ``writer``), the plan's descriptive fields (``metadata``, ``info``) and the
canonical workbook and JSON export (``template``, ``sheets``, ``export``).

Modules inside ``tasks/`` import from the submodules, never from this package, so that loading
one part of the domain never drags in another half-initialised.
"""

from tasks.plans.deadlines import Schedule, parse_schedule
from tasks.plans.export import export_plan, export_xlsx, list_tasks
from tasks.plans.info import update_plan_info
from tasks.plans.intake import import_plan
from tasks.plans.parsed import ParsedIndicator, ParsedMilestone, ParsedPlan, ParsedTask
from tasks.plans.targets import TargetValue, parse_target
from tasks.plans.template import write_template

__all__ = [
    "ParsedIndicator", "ParsedMilestone", "ParsedPlan", "ParsedTask", "Schedule", "TargetValue",
    "export_plan", "export_xlsx", "import_plan", "list_tasks", "parse_schedule", "parse_target",
    "update_plan_info", "write_template",
]
