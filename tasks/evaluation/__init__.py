"""Evaluation: the mid-term and final reviews.

Owns loading a plan as of a date (``snapshot``), each task's and indicator's verdict
(``verdicts``), scores and rankings from the scoring file (``scoring``), the narrative written from
the reports (``narrative``), one evaluation end to end (``assessment``), the typed figures that pass
between them and are stored as JSON (``figures``) and the report renderers keyed by format (``reports/``).
"""

from tasks.evaluation.assessment import due_reviews, run_evaluation
from tasks.evaluation.scoring import load_scoring

__all__ = ["due_reviews", "load_scoring", "run_evaluation"]
