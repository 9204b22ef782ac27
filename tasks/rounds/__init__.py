"""Status rounds: asking units for their progress and taking it in.

Owns rounds and their one request per unit (``requests``), the units' signed portal links
(``links``), the one validation path for reports from portal, API and spreadsheet (``updates``,
``forms``, ``evidence``), the office's review (``reviews``), completions that stop reminders
(``completions``), the daily collection (``collection``) and the dashboard's figures
(``dashboard``).
"""

from tasks.rounds.collection import chase_open_rounds, open_due_rounds
from tasks.rounds.completions import mark_done
from tasks.rounds.forms import collect_form, write_form
from tasks.rounds.links import issue_link, revoke
from tasks.rounds.requests import chase, close_round, find_round, open_round
from tasks.rounds.reviews import review_update, reviews_of
from tasks.rounds.updates import UpdateData, submit_update

__all__ = ["UpdateData", "chase", "chase_open_rounds", "close_round", "collect_form", "find_round", "issue_link",
           "mark_done", "open_due_rounds", "open_round", "review_update", "reviews_of", "revoke", "submit_update",
           "write_form"]
