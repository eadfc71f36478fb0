"""Bulk runs in progress, with a heartbeat: a dead worker's run is reported, not waited for.

Revision ID: e5b2a7c9d3f1
Revises: 7c3e0a915d42
Create Date: 2026-12-03 21:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e5b2a7c9d3f1"
down_revision: str | None = "7c3e0a915d42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create bulk_run."""
    op.create_table(
        "bulk_run",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["admin_session.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_bulk_run_session_id"), "bulk_run", ["session_id"], unique=False)


def downgrade() -> None:
    """Drop bulk_run."""
    op.drop_index(op.f("ix_bulk_run_session_id"), table_name="bulk_run")
    op.drop_table("bulk_run")
