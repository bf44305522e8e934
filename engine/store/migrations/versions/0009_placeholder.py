"""signed links and uploads for the web app (issue 15): placeholder, filled by that work

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
