"""person status optional: no treatment/whereabouts for users under management or
released persons

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("person", "person_state")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("status", existing_type=sa.String(length=30),
                                  nullable=True)


def downgrade() -> None:
    # A person stored without a status has none to restore: "not in treatment" is the
    # closest statement that claims nothing more.
    for table in TABLES:
        op.execute(sa.text(f"UPDATE {table} SET status = 'no_treatment' "
                           "WHERE status IS NULL"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("status", existing_type=sa.String(length=30),
                                  nullable=False)
