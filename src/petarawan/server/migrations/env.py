"""Alembic environment: run against the connection handed in by :func:`petarawan.server.db.migrate`
(or, from the ``alembic`` command line, against ``sqlalchemy.url``)."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from petarawan.server.db import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - command-line use
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as con:
        _run(con)
