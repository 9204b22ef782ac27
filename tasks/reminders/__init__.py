"""Reminders: telling each unit, on its own channels, what falls due.

Owns the working-day notice calendar (``notice_dates``), finding today's due items
(``due_items``), composing digests and escalations (``digest``), the daily sweep (``sweep``),
delivery through apprise with the notification ledger (``notify``) and reading that ledger
(``ledger``).
"""

from tasks.reminders.digest import render_digest, render_escalation
from tasks.reminders.due_items import DueItem, LedgerEntry, due_items
from tasks.reminders.ledger import LedgerRow, ledger_rows
from tasks.reminders.notify import DeliveryReport, Outgoing, deliver
from tasks.reminders.sweep import SweepReport, SweepSummary, prepare_sweep, record_delivery, run_sweep, sweep_summary

__all__ = ["DeliveryReport", "DueItem", "LedgerEntry", "LedgerRow", "Outgoing", "SweepReport", "SweepSummary",
           "deliver", "due_items", "ledger_rows", "prepare_sweep", "record_delivery", "render_digest",
           "render_escalation", "run_sweep", "sweep_summary"]
