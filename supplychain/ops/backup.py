"""Backups: the database and the files beside it (suppliers' documents, archived reports) in
one archive, and restoring one.

SQLite is copied with its online backup API, so the app may keep serving while it runs and
the copy is a consistent snapshot. PostgreSQL is dumped and restored with its own pg_dump and
pg_restore (custom format), which must be on PATH and of the server's major version.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

SQLITE_NAME, POSTGRES_NAME, MANIFEST = "database.sqlite3", "database.pgdump", "manifest.json"
FOLDERS = ("uploads", "reports")
FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    format: int
    made_at: str
    dialect: str
    revision: str | None
    files: dict[str, int]  # folder -> number of files


def make_backup(
    *, url: sa.URL, revision: str | None, folders: dict[str, Path], output: Path
) -> Manifest:
    """Write the database and the folders to output (a .tar.gz), through a temporary name."""
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / (SQLITE_NAME if url.get_backend_name() == "sqlite" else POSTGRES_NAME)
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_path(url), dump)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _libpq(url)])
        manifest = Manifest(
            format=FORMAT,
            made_at=datetime.now(UTC).isoformat(timespec="seconds"),
            dialect=url.get_backend_name(),
            revision=revision,
            files={name: _count(path) for name, path in folders.items()},
        )
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest.__dict__, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            for name, path in folders.items():
                if path.is_dir():
                    archive.add(path, arcname=name)
        partial.replace(output)  # a backup is either whole or absent
    return manifest


def read_manifest(archive_path: Path) -> Manifest:
    """The manifest of a backup archive; BackupError if it is not one of ours."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            data = json.loads(member.read())
        manifest = Manifest(**data)
    except (OSError, tarfile.TarError, KeyError, ValueError, TypeError) as exc:
        raise BackupError(f"{archive_path} is not a supplychain backup ({exc})") from exc
    if manifest.format != FORMAT:
        raise BackupError(f"{archive_path} has backup format {manifest.format}, not {FORMAT}")
    return manifest


def restore_backup(*, archive_path: Path, url: sa.URL, folders: dict[str, Path]) -> Manifest:
    """Put a backup back: the database replaced whole, the folders replaced by the archive's."""
    manifest = read_manifest(archive_path)
    if manifest.dialect != url.get_backend_name():
        raise BackupError(
            f"the backup holds a {manifest.dialect} database, but the configured database is "
            f"{url.get_backend_name()}"
        )
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(work, filter="data")
        root = Path(work)
        if manifest.dialect == "sqlite":
            _sqlite_copy(root / SQLITE_NAME, _sqlite_path(url))
        else:
            _run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
                + [f"--dbname={_libpq(url)}", str(root / POSTGRES_NAME)]
            )
        for name, target in folders.items():
            source = root / name
            if target.exists():
                shutil.rmtree(target)
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.mkdir(parents=True)
    return manifest


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with the online backup API (page by page, under
    the source's read lock, so concurrent writers never leave the copy half-updated)."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _libpq(url: sa.URL) -> str:
    """The URL as pg_dump and pg_restore read it (without SQLAlchemy's driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not on PATH (install PostgreSQL's client tools)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _count(path: Path) -> int:
    return sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))
