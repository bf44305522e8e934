"""when the sweep and the delivery last ran, and what they did (`dondoc check`)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

import engine.store.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a new table only: nothing stored before is touched
    op.create_table('service_run',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('at', engine.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('kind')
    )


def downgrade() -> None:
    op.drop_table('service_run')
