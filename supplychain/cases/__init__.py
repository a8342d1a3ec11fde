"""Workers' reports as cases: the officer acknowledges, answers the worker through the tracking
code, confirms the ILO indicators and the suppliers concerned, and closes; closed cases are
deleted after the retention period."""
