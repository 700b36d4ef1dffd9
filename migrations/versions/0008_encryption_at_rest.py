"""Encryption at rest: personal text columns hold Fernet tokens (app/models/types.py).

Reviewed by hand. A token is about a third longer than its text (plus ~100 bytes), so the
VARCHAR(200) titles and signatory become TEXT, and a message's content and HTML become
MEDIUMTEXT on MariaDB like the letter's versions. Existing rows are then encrypted in place,
in batches, with the keyring of the app running the migration (ENCRYPTION_KEYS, or the key
under instance/ in the embedded default): run it with the keys the app will use.

The PDF files under STORAGE_DIR/renders are encrypted too (each rewritten atomically), so
the app can still open the ones rendered before: run the migration where the storage is.

Upgrade skips values and files that are already tokens opening with the keyring, so an
interrupted run can simply be run again; a token that opens with no key stops it (a wrong
key). Downgrade decrypts everything back (a token no key opens stops it: never leave
ciphertext in a plain schema), then narrows the columns again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
import base64
import re
from pathlib import Path

from alembic import op
from flask import current_app
import sqlalchemy as sa
from sqlalchemy.dialects.mysql import MEDIUMTEXT

from app import crypto
from app.services import storage

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

LONG_TEXT = sa.Text().with_variant(MEDIUMTEXT(), 'mysql', 'mariadb')
BATCH = 500
TOKEN = re.compile(r'^gAAAAA[A-Za-z0-9_-]{80,}=*$')

# (table, column, type before, type after, nullable)
WIDENED = (
    ('conversations', 'title', sa.String(length=200), sa.Text(), False),
    ('documents', 'title', sa.String(length=200), sa.Text(), False),
    ('documents', 'signatory', sa.String(length=200), sa.Text(), True),
    ('messages', 'content', sa.Text(), LONG_TEXT, False),
    ('messages', 'html', sa.Text(), LONG_TEXT, True),
)
# Every column whose values are encrypted, by table.
ENCRYPTED = {
    'conversations': ('title',),
    'messages': ('content', 'html', 'request'),
    'documents': ('title', 'signatory'),
    'document_versions': ('html', 'fields'),
    'renders': ('error',),
}


def _token_shaped(value):
    """Whether a value has the exact shape of a Fernet token (version byte 0x80, then 8 + 16
    bytes, whole AES blocks and a 32-byte HMAC), so that text a person typed is not taken
    for one."""
    if not TOKEN.match(value) or len(value) % 4:
        return False
    raw = base64.urlsafe_b64decode(value)
    return raw[0] == 0x80 and len(raw) >= 73 and (len(raw) - 57) % 16 == 0


def _seal(value):
    """A value's token; a value that is already one (an interrupted run) stays."""
    keyring = crypto.keyring()
    if value.isascii():
        try:
            keyring.decrypt(value.encode('ascii'))
            return None
        except crypto.DecryptionError:
            if _token_shaped(value):
                raise
    return keyring.encrypt(value.encode('utf-8')).decode('ascii')


def _open(value):
    """A token's text; a value that is no token (an interrupted run) stays."""
    try:
        return crypto.keyring().decrypt(value.encode('ascii')).decode('utf-8')
    except (crypto.DecryptionError, UnicodeEncodeError):
        if _token_shaped(value):
            raise
        return None


def _convert(name, columns, change):
    """Apply ``change`` to every non-NULL value of the columns, in batches by id."""
    bind = op.get_bind()
    table = sa.table(name, sa.column('id'), *(sa.column(column) for column in columns))
    after = 0
    while True:
        rows = bind.execute(
            sa.select(table).where(table.c.id > after).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for column in columns:
            changed = []
            for row in rows:
                value = getattr(row, column)
                new = change(value) if value is not None else None
                if new is not None:
                    changed.append({'row_id': row.id, 'value': new})
            if changed:
                bind.execute(
                    sa.update(table)
                    .where(table.c.id == sa.bindparam('row_id'))
                    .values({column: sa.bindparam('value')}),
                    changed,
                )
        after = rows[-1].id


def _seal_file(data):
    """A stored PDF's token; one that is already a token stays."""
    if data.startswith(b'%PDF'):
        return crypto.keyring().encrypt(data)
    crypto.keyring().decrypt(data)  # a token no key opens stops the migration
    return None


def _open_file(data):
    """A stored token's PDF; a plain PDF stays."""
    if data.startswith(b'%PDF'):
        return None
    return crypto.keyring().decrypt(data)


def _convert_files(change):
    """Apply ``change`` to every stored PDF, rewriting each atomically."""
    root = Path(current_app.config['STORAGE_DIR'])
    renders = root / 'renders'
    if not renders.is_dir():
        return
    for path in sorted(renders.rglob('*.pdf')):
        if path.name.startswith('.') or not path.is_file():
            continue
        new = change(path.read_bytes())
        if new is not None:
            storage.write_atomic(root, path.relative_to(root).as_posix(), new)


def upgrade():
    for name, column, before, wider, nullable in WIDENED:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=before, type_=wider, existing_nullable=nullable
            )
    for name, columns in ENCRYPTED.items():
        _convert(name, columns, _seal)
    _convert_files(_seal_file)


def downgrade():
    _convert_files(_open_file)
    for name, columns in ENCRYPTED.items():
        _convert(name, columns, _open)
    for name, column, before, wider, nullable in reversed(WIDENED):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=wider, type_=before, existing_nullable=nullable
            )
