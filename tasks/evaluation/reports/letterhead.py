"""Who issues a review report, under which 文号 and on which date: the 红头 and 落款 of the Word report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from config import get_settings
from tasks.evaluation.figures import EvaluationFigures
from tasks.workdays import local_today


@dataclass(frozen=True)
class Letterhead:
    """The issuing office (红头 and 落款), the document number (文号, may be empty) and the issue date."""

    office: str
    doc_number: str
    issued_on: date

    @property
    def date_text(self) -> str:
        """2021年1月20日."""
        return f"{self.issued_on.year}年{self.issued_on.month}月{self.issued_on.day}日"


def letterhead_for(figures: EvaluationFigures, office: str | None = None, doc_number: str | None = None,
                   issued_on: date | None = None) -> Letterhead:
    """The letterhead of a report: the given office, else settings.report_office, else the plan's issuing
    office; the given 文号 else none; the given date else today (Asia/Shanghai)."""
    return Letterhead(office=office or get_settings().report_office or figures.plan.issuing_office or "",
                      doc_number=doc_number or "", issued_on=issued_on or local_today())
