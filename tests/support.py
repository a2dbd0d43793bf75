"""Helpers shared by the test folders."""

import sqlite3


def copy_database(source, target) -> None:
    """Copy a template database with SQLite's backup API (consistent even in WAL mode)."""
    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
