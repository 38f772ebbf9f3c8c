"""``petarawan server``: the multi-user office server (FastAPI + SQLAlchemy + Alembic).

Modules
-------
db        the store: tables, engine, migrations (Alembic, run programmatically)
auth      passwords (argon2), sessions, CSRF tokens, login rate limit, roles, audit log
files     the study folders on disk: immutable versions per yearly round, staged uploads
runs      the background worker that runs the pipeline on a round's current version
views     read models over a run's outputs: public map, area profile, comparison, roll-up
app       the FastAPI application (``create_app``)
cli       ``petarawan server init | run``

See ``docs/server.md`` for roles, the data flow, deployment and backups.
"""
