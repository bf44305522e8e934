"""the sweep's claim by an index on (status, next_check_on), instead of next_check_on alone

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the claim asks for the open tasks whose mark has come: `status IN (…) AND
    # next_check_on <= today`. With next_check_on alone, SQLite (which has no statistics:
    # the engine runs no ANALYZE) took ix_task_status_deadline for the status and read
    # every open task; on (status, next_check_on) both databases read the due ones only.
    # Plain CREATE/DROP INDEX, no batch: no rebuild of the task table on SQLite.
    op.create_index(
        'ix_task_status_next_check_on', 'task', ['status', 'next_check_on'], unique=False
    )
    op.drop_index('ix_task_next_check_on', table_name='task')


def downgrade() -> None:
    op.create_index('ix_task_next_check_on', 'task', ['next_check_on'], unique=False)
    op.drop_index('ix_task_status_next_check_on', table_name='task')
