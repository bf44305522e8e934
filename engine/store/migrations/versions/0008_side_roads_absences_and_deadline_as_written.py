"""the side roads of a task's life (issue 16): the absences of people and who acts for
them, and the deadline as written when it fell on a day off

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

import engine.store.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a new table, and a nullable column (plain ADD COLUMN, no rebuild on SQLite): nothing
    # stored before is touched; paused and declined are new values of `task.status`
    op.create_table('absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('acting_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('acting_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('acting_email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', engine.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_absence_person_email', 'absence', ['person_email'], unique=False)
    op.add_column('task', sa.Column('deadline_as_written', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('task') as batch:
        batch.drop_column('deadline_as_written')
    op.drop_index('ix_absence_person_email', table_name='absence')
    op.drop_table('absence')
