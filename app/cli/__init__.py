"""The ``xkmt`` command line: :mod:`app.cli.main` parses and dispatches; one module per group
of commands (users and retention, plans, prints, the meeting pack, patrols, reports)."""
