"""One live render per version: a render is live while queued, running or done with its file,
and a unique index on (version_id, live) lets the database, not a check, refuse a second.

Reviewed by hand. Existing rows: the newest render of each version that has not failed stays
live; every other one is retired (NULL never collides in a unique index).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('renders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live', sa.Boolean(), nullable=True))
    # A derived table, because MariaDB refuses a subquery on the table being updated.
    op.execute(
        "UPDATE renders SET live = 1 WHERE id IN (SELECT id FROM ("
        " SELECT MAX(id) AS id FROM renders WHERE status <> 'failed' GROUP BY version_id"
        ") AS newest)"
    )
    with op.batch_alter_table('renders', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_renders_one_live', ['version_id', 'live'])


def downgrade():
    with op.batch_alter_table('renders', schema=None) as batch_op:
        batch_op.drop_constraint('uq_renders_one_live', type_='unique')
        batch_op.drop_column('live')
