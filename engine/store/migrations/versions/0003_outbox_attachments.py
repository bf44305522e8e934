"""outbox attachments (the monthly review's PDF and Excel annex)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild): mail already planned keeps no attachment
    op.add_column(
        'outbox',
        sa.Column('attachments', sa.JSON(), server_default='[]', nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('attachments')
