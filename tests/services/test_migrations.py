"""The committed alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from leerid_app.migrations import upgrade_to_head


def test_migrations_match_the_models(engine) -> None:
    SQLModel.metadata.drop_all(engine)  # start from nothing: the migrations must build it all
    upgrade_to_head(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
    assert "alembic_version" in inspect(engine).get_table_names()
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
