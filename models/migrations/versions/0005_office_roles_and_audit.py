"""office account roles, disabled accounts, audit trail (issue 16)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 19:20:00.000000
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('officeuser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default='admin'))
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditentry_username'), ['username'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_action'), ['action'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_action'))
        batch_op.drop_index(batch_op.f('ix_auditentry_username'))
    op.drop_table('auditentry')
    with op.batch_alter_table('officeuser', schema=None) as batch_op:
        batch_op.drop_column('disabled')
        batch_op.drop_column('role')
