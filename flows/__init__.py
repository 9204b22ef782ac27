"""duban's entry points: Prefect flows, the ``duban`` CLI and the schedules."""
