"""Alembic environment: the connection comes from :func:`migrations.schema.upgrade`."""
from alembic import context

import models

target_metadata = models.Base.metadata
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
