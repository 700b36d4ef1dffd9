"""Revisions of the letter's free text by the model are turns too: they record what was
asked (which paragraph, how) and the version they made.

Reviewed by hand. The kind column is a VARCHAR(16) without a CHECK constraint, so the new
kind "revise" needs no change there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request', sa.Text(), nullable=True))


def downgrade():
    op.execute("DELETE FROM messages WHERE kind = 'revise'")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('request')
