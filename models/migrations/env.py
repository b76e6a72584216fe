"""Alembic environment: the connection comes from :func:`models.migrations.schema.upgrade`."""
from alembic import context

import models

target_metadata = models.Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    # The WeChat sandbox keeps its own tables in the same database; they are not kiteline's
    # schema, so autogenerate must not propose dropping them.
    return not (type_ == "table" and reflected and compare_to is None and name.startswith("sandbox_"))


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                  include_object=include_object, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
