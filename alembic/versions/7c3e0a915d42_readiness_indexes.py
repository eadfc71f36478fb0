"""readiness: index for duplicate INSZ and for pupil logins per day

Revision ID: 7c3e0a915d42
Revises: c4d8e2f1a9b3
Create Date: 2026-12-03 18:00:00.000000
"""
from collections.abc import Sequence

from alembic import op


revision: str = '7c3e0a915d42'
down_revision: str | None = 'c4d8e2f1a9b3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.create_index('ix_pupil_school_insz', ['school_id', 'insz'], unique=False)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_school_action_time', ['school_id', 'action', 'occurred_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_school_action_time')
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.drop_index('ix_pupil_school_insz')
