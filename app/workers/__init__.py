"""Worker processes (started by worker.py)."""
