"""plan draft status and addressees; milestone recurrence_day (issue 14)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 18:55:00.000000
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressees', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default='confirmed'))
        batch_op.create_index(batch_op.f('ix_plan_status'), ['status'], unique=False)
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurrence_day', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('recurrence_day')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_status'))
        batch_op.drop_column('status')
        batch_op.drop_column('addressees')
