"""import: school instellingsnummer, pupil INSZ and enrollment start

Revision ID: 5c1d7e2a9f40
Revises: 5a7c0e14d1b3
Create Date: 2026-12-03 18:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '5c1d7e2a9f40'
down_revision: str | None = '5a7c0e14d1b3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instellingsnummer', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True))
        batch_op.create_unique_constraint('uq_school_instellingsnummer', ['instellingsnummer'])
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrollment_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('insz', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.drop_column('insz')
        batch_op.drop_column('enrollment_start')
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_constraint('uq_school_instellingsnummer', type_='unique')
        batch_op.drop_column('instellingsnummer')
