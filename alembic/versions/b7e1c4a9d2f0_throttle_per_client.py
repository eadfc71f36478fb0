"""Login throttling per (realm, name, client).

Revision ID: b7e1c4a9d2f0
Revises: 5c1d7e2a9f40
Create Date: 2026-12-03 18:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b7e1c4a9d2f0"
down_revision: str | None = "5c1d7e2a9f40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add client_key; existing rows become the name-wide rows ("*")."""
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "client_key",
                sqlmodel.sql.sqltypes.AutoString(length=80),
                nullable=False,
                server_default="*",
            )
        )
        batch_op.drop_constraint("uq_login_throttle_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_login_throttle_client", ["realm", "login_key", "client_key"]
        )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.alter_column("client_key", server_default=None)


def downgrade() -> None:
    """Back to one row per name (client rows are dropped)."""
    op.execute("DELETE FROM login_throttle WHERE client_key <> '*'")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_constraint("uq_login_throttle_client", type_="unique")
        batch_op.create_unique_constraint("uq_login_throttle_key", ["realm", "login_key"])
        batch_op.drop_column("client_key")
