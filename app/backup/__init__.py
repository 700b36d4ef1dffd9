"""Backups of the database, the stored PDFs and the configuration."""
