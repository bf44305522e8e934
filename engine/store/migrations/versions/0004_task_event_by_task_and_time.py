"""an index of the event log by task and time (the monthly review's reads)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain CREATE INDEX, no batch: rebuilding task_event on SQLite would drop the
    # triggers that keep it append-only
    op.create_index('ix_task_event_task_id_at', 'task_event', ['task_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_event_task_id_at', table_name='task_event')
