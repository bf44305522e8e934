"""the outbox: a claim is a lease held by one deliverer, what each recipient's server
answered, and when a failure was reported

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa

import engine.store.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # new columns only, each with a default that says what the rows before meant: a
    # claim without a holder, no answer kept per recipient, no failure reported by then
    op.add_column('outbox', sa.Column('claim_token', sa.String(length=36), nullable=True))
    op.add_column(
        'outbox', sa.Column('recipients', sa.JSON(), nullable=False, server_default='{}')
    )
    op.add_column(
        'outbox',
        sa.Column('reported_at', engine.store.types.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('reported_at')
        batch.drop_column('recipients')
        batch.drop_column('claim_token')
