"""Typed letters: each version records the catalogue document and the fields it was made from;
a conversation records the situation it is about (a document type or an out-of-scope kind).

Reviewed by hand. The fields are JSON text (a flat object of strings) so SQLite and MariaDB
store them alike; older versions keep NULL there and remain whole-text letters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.mysql import MEDIUMTEXT

# Like the letter's HTML: TEXT holds only 64 KiB on MariaDB.
LONG_TEXT = sa.Text().with_variant(MEDIUMTEXT(), 'mysql', 'mariadb')

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('situation', sa.String(length=48), nullable=True))
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('doc_type', sa.String(length=48), nullable=True))
        batch_op.add_column(sa.Column('fields', LONG_TEXT, nullable=True))


def downgrade():
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_column('fields')
        batch_op.drop_column('doc_type')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('situation')
