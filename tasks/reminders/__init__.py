"""Reminders: telling each unit, on its own channels, what falls due.

Owns the working-day notice calendar (``notice_dates``), finding today's due items
(``due_items``), composing digests and escalations (``digest``), the daily sweep (``sweep``),
delivery through apprise with the notification ledger (``notify``) and reading that ledger
(``ledger``).
"""

from tasks.reminders.digest import render_digest, render_escalation
from tasks.reminders.due_items import DueItem, due_items
from tasks.reminders.ledger import ledger_rows
from tasks.reminders.notify import Outgoing, deliver
from tasks.reminders.sweep import prepare_sweep, run_sweep

__all__ = ["DueItem", "Outgoing", "deliver", "due_items", "ledger_rows", "prepare_sweep", "render_digest",
           "render_escalation", "run_sweep"]
