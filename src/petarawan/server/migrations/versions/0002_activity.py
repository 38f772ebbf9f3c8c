"""Completed activities recorded in the browser (per round, area, activity, date, participants).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("area_code", sa.String(32), nullable=False, index=True),
        sa.Column("activity", sa.String(200), nullable=False),
        sa.Column("programme", sa.String(100), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("activity")
