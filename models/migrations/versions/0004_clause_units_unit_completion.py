"""clause-level milestone units, per-unit completions, completion date of a report

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_ids', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table('statusupdate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))

    op.create_table('unitcompletion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ),
    sa.ForeignKeyConstraint(['update_id'], ['statusupdate.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('milestone_id', 'period', 'occurrence', 'department_id')
    )
    with op.batch_alter_table('unitcompletion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unitcompletion_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unitcompletion_milestone_id'), ['milestone_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unitcompletion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unitcompletion_milestone_id'))
        batch_op.drop_index(batch_op.f('ix_unitcompletion_department_id'))
    op.drop_table('unitcompletion')
    with op.batch_alter_table('statusupdate', schema=None) as batch_op:
        batch_op.drop_column('completed_on')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('unit_ids')
