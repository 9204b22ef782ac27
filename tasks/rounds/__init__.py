"""Status rounds: asking units for their progress and taking it in.

Owns rounds and their one request per unit (``requests``: open_round, chase, close_round, find_round),
the units' signed portal links (``links``: issue_link, revoke), the one validation path for reports
from portal, API and spreadsheet (``updates``: submit_update; ``forms``: write_form, collect_form;
``evidence``), the office's review (``reviews``: review_update), completions that stop reminders
(``completions``: mark_done), the daily collection (``collection``: open_due_rounds,
chase_open_rounds), the one on-time rule (``timeliness``), the reads the portal shows (``records``)
and the dashboard's figures (``dashboard``).

Import those from their modules: this package runs no imports of its own, because the reminders use
the rounds' links (digests carry them) while the rounds send through the reminders' notifier, and an
``__init__`` importing its modules would close that into a package cycle.
"""
