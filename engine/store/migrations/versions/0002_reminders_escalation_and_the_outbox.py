"""reminders, escalation and the outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

import engine.store.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('to_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('to_email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('cc', sa.JSON(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('ics', sa.Text(), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', engine.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', engine.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', engine.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', engine.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_next_attempt', ['status', 'next_attempt_at'], unique=False)

    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('key_day', sa.Date(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id', 'kind', 'level', 'key_day', name='uq_notice_key')
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_outbox_id'), ['outbox_id'], unique=False)

    # plain ADD COLUMN (no table rebuild), so existing tasks and their events stay put
    op.add_column('task', sa.Column('next_check_on', sa.Date(), nullable=True))
    op.add_column('task', sa.Column('escalation_level', sa.Integer(), server_default='0', nullable=False))
    op.add_column('task', sa.Column('series_id', sa.Integer(), nullable=True))
    op.add_column('task', sa.Column('period', sa.Integer(), server_default='0', nullable=False))
    op.add_column('task', sa.Column('next_instance_on', sa.Date(), nullable=True))
    op.create_index('ix_task_next_check_on', 'task', ['next_check_on'], unique=False)
    op.create_index('ix_task_next_instance_on', 'task', ['next_instance_on'], unique=False)
    op.create_index('uq_task_series_period', 'task', ['series_id', 'period'], unique=True)
    # open tasks already stored are checked on the first sweep
    op.execute(
        "UPDATE task SET next_check_on = CURRENT_DATE "
        "WHERE status IN ('assigned', 'in_progress', 'submitted', 'returned', 'extension_requested')"
    )


def downgrade() -> None:
    op.drop_index('uq_task_series_period', table_name='task')
    op.drop_index('ix_task_next_instance_on', table_name='task')
    op.drop_index('ix_task_next_check_on', table_name='task')
    with op.batch_alter_table('task', schema=None) as batch_op:
        for column in ('next_instance_on', 'period', 'series_id', 'escalation_level', 'next_check_on'):
            batch_op.drop_column(column)

    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_outbox_id'))

    op.drop_table('notice')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next_attempt')

    op.drop_table('outbox')
