"""leerid_account.version: the compare-and-set version of an account's credentials

Revision ID: 5a7c0e14d1b3
Revises: 23802406e49e
Create Date: 2026-12-03 18:15:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5a7c0e14d1b3'
down_revision: str | None = '23802406e49e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing accounts start at version 1; batch mode lets SQLite add a NOT NULL column.
    with op.batch_alter_table('leerid_account') as batch_op:
        batch_op.add_column(
            sa.Column('version', sa.Integer(), server_default='1', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('leerid_account') as batch_op:
        batch_op.drop_column('version')
