"""The simulator's files, collections, documents and their chunk index, in one SQLite database.

In memory by default; under ``--data-dir DIR`` the database is ``DIR/sim-files.sqlite3``,
so uploaded bytes, collections and indexed documents survive a restart. Every
write is one transaction: a file is stored whole or not at all.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from agentrt.sim.sqlite_store import SqliteStore
from agentrt.sim.status import SimStatus

__all__ = ["DB_NAME", "MIB", "Chunk", "RagLimits", "RagStore", "not_found"]

MIB = 1 << 20
DB_NAME = "sim-files.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, size INTEGER NOT NULL, created REAL NOT NULL,
  expires REAL, data BLOB NOT NULL, complete INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, created REAL NOT NULL,
  config BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  collection_id TEXT NOT NULL, file_id TEXT NOT NULL, fields TEXT NOT NULL,
  added REAL NOT NULL, ready REAL NOT NULL, error TEXT, chunk_count INTEGER NOT NULL,
  PRIMARY KEY (collection_id, file_id));
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY, collection_id TEXT NOT NULL, file_id TEXT NOT NULL,
  chunk_id TEXT NOT NULL, content TEXT NOT NULL, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (collection_id, file_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(content, chunk UNINDEXED);
CREATE TABLE IF NOT EXISTS public_urls (
  file_id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, expires REAL);
"""


@dataclass(frozen=True, kw_only=True)
class RagLimits:
    """Bounds of the files and collections services (all configurable, all enforced).

    ``index_delay_s``: how long a newly added document stays DOCUMENT_STATUS_PROCESSING
    before it is searchable (xAI indexes in the background; the simulator's status is
    computed from the time the document was added, so nothing runs in the background).
    ``upload_settle_s``: how long an upload waits after its last chunk for a cancellation
    that gRPC delivers just after the end of a failed client stream.
    """

    max_file_bytes: int = 100 * MIB
    max_total_bytes: int = 1024 * MIB
    max_files: int = 10_000
    max_collections: int = 1_000
    max_documents: int = 10_000
    max_indexed_bytes: int = 1 * MIB
    max_chunks: int = 50_000
    max_page: int = 1_000
    max_search_limit: int = 100
    download_chunk_bytes: int = 1 * MIB
    index_delay_s: float = 0.2
    upload_settle_s: float = 0.05


@dataclass(frozen=True)
class Chunk:
    """One indexed chunk of a document."""

    row: int
    collection_id: str
    file_id: str
    chunk_id: str
    content: str
    vector: bytes


def not_found(kind: str, ident: str) -> SimStatus:
    """NOT_FOUND naming what was looked for."""
    return SimStatus(grpc.StatusCode.NOT_FOUND, f"{kind} {ident!r} not found")


def _exhausted(what: str, limit: int) -> SimStatus:
    return SimStatus(
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        f"the simulator holds at most {limit} {what}: delete some first",
    )


class RagStore(SqliteStore):
    """Rows of files, collections, documents and chunks; every method is one transaction."""

    def __init__(
        self,
        limits: RagLimits,
        data_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(data_dir, DB_NAME, _SCHEMA, "files")
        self.limits = limits
        self.clock = clock
        self._db.execute("DELETE FROM files WHERE complete = 0")  # uploads a crash cut off

    # files

    def add_file(self, name: str, parts: Sequence[bytes], expires_after: int | None) -> str:
        """Store a received file (``parts``: its bytes as received), not yet listed (see
        :meth:`finish_upload`); its id.

        RESOURCE_EXHAUSTED past the count or byte bounds. The parts are written into a
        zero-filled blob of the file's size: binding one joined ``bytes`` made SQLite copy
        it whole twice (≈0.5 s for 200 MB, against ≈0.15 s), after an extra copy to join it.
        """
        self._purge_expired()
        lim = self.limits
        size = sum(len(part) for part in parts)
        if self._one("SELECT COUNT(*) FROM files") >= lim.max_files:
            raise _exhausted("files", lim.max_files)
        used = self._one("SELECT COALESCE(SUM(size), 0) FROM files")
        if used + size > lim.max_total_bytes:
            raise _exhausted("bytes of files in all", lim.max_total_bytes)
        file_id = f"file_{uuid.uuid4()}"
        now = self.clock()
        expires = None if expires_after is None else now + expires_after
        with self._db:
            self._db.execute("BEGIN")
            row = self._db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, zeroblob(?), 0)",
                (file_id, name, size, now, expires, size),
            ).lastrowid
            if size and row is not None:
                with self._db.blobopen("files", "data", row) as blob:
                    for part in parts:
                        blob.write(part)
        return file_id

    def _purge_expired(self) -> None:
        """Drop the files whose expiry has passed (and them as documents, their chunks and
        public URLs): hidden from every call already, they must not fill the limits."""
        now = (self.clock(),)
        gone = "file_id IN (SELECT id FROM files WHERE expires IS NOT NULL AND expires <= ?)"
        self._write(
            [
                (f"DELETE FROM public_urls WHERE {gone}", now),
                (f"DELETE FROM documents WHERE {gone}", now),
                *self._drop_chunks(gone, now),
                ("DELETE FROM files WHERE expires IS NOT NULL AND expires <= ?", now),
            ]
        )

    def finish_upload(self, file_id: str, kept: bool) -> None:
        """List a file whose upload call succeeded, or forget one whose call was cancelled."""
        if kept:
            self._write([("UPDATE files SET complete = 1 WHERE id = ?", (file_id,))])
        else:
            self._write([("DELETE FROM files WHERE id = ?", (file_id,))])

    def file_pieces(self, file_id: str, step: int) -> Generator[bytes, None, None]:
        """The bytes of a live file, ``step`` at a time, each read when asked for (a download
        holds one piece, not the file: reading 200 MB whole took ≈0.25 s before the first
        byte went out); at least one piece, empty for an empty file.

        ABORTED if the file is deleted or replaced before the last piece is read.
        """
        self.file(file_id)
        row = self._one("SELECT rowid FROM files WHERE id = ?", file_id)
        try:
            with self._db.blobopen("files", "data", row, readonly=True) as blob:
                piece = blob.read(step)
                yield piece
                while piece := blob.read(step):
                    yield piece
        except sqlite3.Error:
            raise SimStatus(
                grpc.StatusCode.ABORTED,
                f"file {file_id!r} was deleted or replaced during the download: download it again",
            ) from None

    def file(self, file_id: str) -> tuple[str, str, int, float, float | None]:
        """(id, name, size, created, expires) of a live file; NOT_FOUND otherwise."""
        row = self._db.execute(
            "SELECT id, name, size, created, expires FROM files WHERE id = ? "
            "AND (expires IS NULL OR expires > ?)",
            (file_id, self.clock()),
        ).fetchone()
        if row is None:
            raise not_found("file", file_id)
        return tuple(row)

    def files(self, order_by: str, descending: bool, offset: int, limit: int) -> list[Any]:
        """A page of live files' (id, name, size, created, expires) rows."""
        direction = "DESC" if descending else "ASC"
        return self._db.execute(
            f"SELECT id, name, size, created, expires FROM files WHERE complete = 1 AND "
            f"(expires IS NULL OR expires > ?) ORDER BY {order_by} {direction}, id LIMIT ? OFFSET ?",
            (self.clock(), limit, offset),
        ).fetchall()

    def replace_file(self, file_id: str, name: str | None, data: bytes | None) -> None:
        """Rename a file or replace its bytes (within the byte bounds)."""
        _, _, size, _, _ = self.file(file_id)
        writes: list[tuple[str, tuple[Any, ...]]] = []
        if name is not None:
            writes.append(("UPDATE files SET name = ? WHERE id = ?", (name, file_id)))
        if data is not None:
            used = self._one("SELECT COALESCE(SUM(size), 0) FROM files")
            if used - size + len(data) > self.limits.max_total_bytes:
                raise _exhausted("bytes of files in all", self.limits.max_total_bytes)
            sql = "UPDATE files SET data = ?, size = ? WHERE id = ?"
            writes.append((sql, (data, len(data), file_id)))
        self._write(writes)

    def file_data(self, file_id: str) -> bytes:
        """The bytes of a live file."""
        self.file(file_id)
        return bytes(self._one("SELECT data FROM files WHERE id = ?", file_id))

    def file_head(self, file_id: str, size: int) -> bytes:
        """The first ``size`` bytes of a live file (without reading the rest)."""
        self.file(file_id)
        return bytes(self._one("SELECT substr(data, 1, ?) FROM files WHERE id = ?", size, file_id))

    def delete_file(self, file_id: str) -> None:
        """Delete a file, and it as a document from every collection."""
        self.file(file_id)
        self._write(
            [
                ("DELETE FROM files WHERE id = ?", (file_id,)),
                ("DELETE FROM public_urls WHERE file_id = ?", (file_id,)),
                ("DELETE FROM documents WHERE file_id = ?", (file_id,)),
                *self._drop_chunks("file_id = ?", (file_id,)),
            ]
        )

    # public URLs

    def public_url(self, file_id: str) -> tuple[str, float | None] | None:
        """(token, expires) of a live file's unexpired public URL, None when it has none."""
        row = self._db.execute(
            "SELECT token, expires FROM public_urls WHERE file_id = ? "
            "AND (expires IS NULL OR expires > ?)",
            (file_id, self.clock()),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def make_public(self, file_id: str, expires_after: int | None) -> tuple[str, float | None]:
        """The file's public URL (token, expires): its current one, or a new unguessable one.

        ``expires_after`` seconds from now sets the expiry; without it a new URL
        expires with the file (never, for a file without an expiry).
        """
        _, _, _, _, file_expires = self.file(file_id)
        current = self.public_url(file_id)
        token = current[0] if current else secrets.token_urlsafe(24)
        expires: float | None
        if expires_after is not None:
            expires = self.clock() + expires_after
        else:
            expires = current[1] if current else file_expires
        sql = "INSERT OR REPLACE INTO public_urls VALUES (?, ?, ?)"
        self._write([(sql, (file_id, token, expires))])
        return token, expires

    def revoke_public(self, file_id: str) -> str | None:
        """Revoke a live file's public URL; its token, None when it had none."""
        self.file(file_id)
        current = self.public_url(file_id)
        self._write([("DELETE FROM public_urls WHERE file_id = ?", (file_id,))])
        return None if current is None else current[0]

    def public_file(self, token: str) -> tuple[str, bytes] | None:
        """(name, bytes) of the live file behind an unexpired public URL token, else None."""
        now = self.clock()
        row = self._db.execute(
            "SELECT f.name, f.data FROM public_urls p JOIN files f ON f.id = p.file_id "
            "WHERE p.token = ? AND (p.expires IS NULL OR p.expires > ?) AND f.complete = 1 "
            "AND (f.expires IS NULL OR f.expires > ?)",
            (token, now, now),
        ).fetchone()
        return None if row is None else (row[0], bytes(row[1]))

    def _drop_chunks(self, where: str, args: tuple[Any, ...]) -> list[tuple[str, tuple[Any, ...]]]:
        return [
            (f"DELETE FROM chunks_fts WHERE chunk IN (SELECT id FROM chunks WHERE {where})", args),
            (f"DELETE FROM chunks WHERE {where}", args),
        ]

    # collections

    def add_collection(self, name: str, description: str | None, config: bytes) -> str:
        """A new collection's id (``config``: its serialized settings)."""
        if self._one("SELECT COUNT(*) FROM collections") >= self.limits.max_collections:
            raise _exhausted("collections", self.limits.max_collections)
        cid = f"collection_{uuid.uuid4()}"
        sql = "INSERT INTO collections VALUES (?, ?, ?, ?, ?)"
        self._write([(sql, (cid, name, description, self.clock(), config))])
        return cid

    def collection(self, cid: str) -> tuple[str, str, str | None, float, bytes]:
        """(id, name, description, created, config) of a collection; NOT_FOUND otherwise."""
        row = self._db.execute(
            "SELECT id, name, description, created, config FROM collections WHERE id = ?", (cid,)
        ).fetchone()
        if row is None:
            raise not_found("collection", cid)
        return tuple(row)

    def collections(self, order_by: str, descending: bool, offset: int, limit: int) -> list[Any]:
        """A page of collection ids."""
        direction = "DESC" if descending else "ASC"
        rows = self._db.execute(
            f"SELECT id FROM collections ORDER BY {order_by} {direction}, id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [r[0] for r in rows]

    def update_collection(
        self,
        cid: str,
        name: str | None,
        description: str | None,
        config: bytes | None = None,
        dropped: Sequence[str] = (),
    ) -> None:
        """Rename, redescribe or reconfigure a collection; ``dropped`` field keys leave
        every one of its documents' fields, in the same transaction."""
        self.collection(cid)
        writes: list[tuple[str, tuple[Any, ...]]] = []
        if name is not None:
            writes.append(("UPDATE collections SET name = ? WHERE id = ?", (name, cid)))
        if description is not None:
            writes.append(
                ("UPDATE collections SET description = ? WHERE id = ?", (description, cid))
            )
        if config is not None:
            writes.append(("UPDATE collections SET config = ? WHERE id = ?", (config, cid)))
        if dropped:
            rows = self._db.execute(
                "SELECT file_id, fields FROM documents WHERE collection_id = ?", (cid,)
            ).fetchall()
            for file_id, fields in rows:
                kept = {k: v for k, v in json.loads(fields).items() if k not in dropped}
                sql = "UPDATE documents SET fields = ? WHERE collection_id = ? AND file_id = ?"
                writes.append((sql, (json.dumps(kept), cid, file_id)))
        self._write(writes)

    def field_holder(self, cid: str, key: str, value: str, other_than: str) -> str | None:
        """The file id of a document of ``cid`` (not ``other_than``) whose field ``key`` is ``value``."""
        holder: str | None = self._one(
            "SELECT d.file_id FROM documents d, json_each(d.fields) j WHERE d.collection_id = ? "
            "AND d.file_id != ? AND j.key = ? AND j.value = ? ORDER BY d.file_id LIMIT 1",
            cid,
            other_than,
            key,
            value,
        )
        return holder

    def delete_collection(self, cid: str) -> None:
        """Delete a collection with its documents and chunks (the files stay)."""
        self.collection(cid)
        self._write(
            [
                ("DELETE FROM collections WHERE id = ?", (cid,)),
                ("DELETE FROM documents WHERE collection_id = ?", (cid,)),
                *self._drop_chunks("collection_id = ?", (cid,)),
            ]
        )

    def collection_totals(self, cid: str) -> tuple[int, int]:
        """(documents, total bytes of their files) of a collection."""
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(f.size), 0) FROM documents d JOIN files f "
            "ON f.id = d.file_id WHERE d.collection_id = ?",
            (cid,),
        ).fetchone()
        return int(row[0]), int(row[1])

    # documents

    def put_document(
        self,
        cid: str,
        file_id: str,
        fields: dict[str, str],
        chunks: Sequence[tuple[str, bytes]],
        error: str | None,
    ) -> None:
        """Add (or replace) a document with its chunks; searchable after ``index_delay_s``."""
        lim = self.limits
        if self._one("SELECT COUNT(*) FROM documents") >= lim.max_documents:
            raise _exhausted("documents", lim.max_documents)
        if self._one("SELECT COUNT(*) FROM chunks") + len(chunks) > lim.max_chunks:
            raise _exhausted("indexed chunks in all", lim.max_chunks)
        now = self.clock()
        writes: list[tuple[str, tuple[Any, ...]]] = [
            ("DELETE FROM documents WHERE collection_id = ? AND file_id = ?", (cid, file_id)),
            *self._drop_chunks("collection_id = ? AND file_id = ?", (cid, file_id)),
            (
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    cid,
                    file_id,
                    json.dumps(fields),
                    now,
                    now + self.limits.index_delay_s,
                    error,
                    len(chunks),
                ),
            ),
        ]
        with self._db:
            self._db.execute("BEGIN")
            for sql, args in writes:
                self._db.execute(sql, args)
            for n, (content, vector) in enumerate(chunks):
                cur = self._db.execute(
                    "INSERT INTO chunks (collection_id, file_id, chunk_id, content, vector) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (cid, file_id, f"{file_id}:{n}", content, vector),
                )
                self._db.execute(
                    "INSERT INTO chunks_fts (content, chunk) VALUES (?, ?)",
                    (content, cur.lastrowid),
                )

    def document(self, cid: str, file_id: str) -> tuple[Any, ...]:
        """(file_id, fields json, added, ready, error, chunk_count); NOT_FOUND otherwise."""
        self.collection(cid)
        row = self._db.execute(
            "SELECT file_id, fields, added, ready, error, chunk_count FROM documents "
            "WHERE collection_id = ? AND file_id = ?",
            (cid, file_id),
        ).fetchone()
        if row is None:
            raise not_found(f"document in collection {cid!r}: file", file_id)
        return tuple(row)

    def documents(
        self, cid: str, order_by: str, descending: bool, offset: int, limit: int
    ) -> list[str]:
        """A page of a collection's document file ids."""
        self.collection(cid)
        direction = "DESC" if descending else "ASC"
        rows = self._db.execute(
            f"SELECT d.file_id FROM documents d JOIN files f ON f.id = d.file_id "
            f"WHERE d.collection_id = ? ORDER BY {order_by} {direction}, d.file_id LIMIT ? OFFSET ?",
            (cid, limit, offset),
        ).fetchall()
        return [r[0] for r in rows]

    def remove_document(self, cid: str, file_id: str) -> None:
        """Take a document out of a collection (the file stays)."""
        self.document(cid, file_id)
        self._write(
            [
                ("DELETE FROM documents WHERE collection_id = ? AND file_id = ?", (cid, file_id)),
                *self._drop_chunks("collection_id = ? AND file_id = ?", (cid, file_id)),
            ]
        )

    def pending(self, cids: Sequence[str]) -> tuple[int, int]:
        """(documents indexed, documents still processing) in these collections, now."""
        marks = ",".join("?" * len(cids))
        row = self._db.execute(
            f"SELECT SUM(ready <= ?), SUM(ready > ?) FROM documents "
            f"WHERE collection_id IN ({marks}) AND error IS NULL",
            (now := self.clock(), now, *cids),
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def _ready_join(self, cids: Sequence[str]) -> tuple[str, tuple[Any, ...]]:
        marks = ",".join("?" * len(cids))
        where = (
            "JOIN documents d ON d.collection_id = c.collection_id AND d.file_id = c.file_id "
            f"WHERE c.collection_id IN ({marks}) AND d.ready <= ? AND d.error IS NULL"
        )
        return where, (*cids, self.clock())

    def keyword(self, match: str, cids: Sequence[str], limit: int) -> list[tuple[Chunk, float]]:
        """Indexed chunks matching the FTS5 query ``match``, best bm25 first (score = -bm25)."""
        join, args = self._ready_join(cids)
        rows = self._db.execute(
            "SELECT c.id, c.collection_id, c.file_id, c.chunk_id, c.content, c.vector, "
            "bm25(chunks_fts) AS rank FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.chunk "
            f"{join} AND chunks_fts MATCH ? ORDER BY rank LIMIT ?",
            (*args, match, limit),
        ).fetchall()
        return [(Chunk(*r[:6]), -float(r[6])) for r in rows]

    def indexed_vectors(self, cids: Sequence[str]) -> list[tuple[int, bytes]]:
        """``(row, packed vector)`` of every searchable chunk of these collections: a semantic
        search scores these, and reads the text of the few it keeps (:meth:`chunks_at`)."""
        join, args = self._ready_join(cids)
        return self._db.execute(f"SELECT c.id, c.vector FROM chunks c {join}", args).fetchall()

    def chunks_at(self, rows: Sequence[int]) -> dict[int, Chunk]:
        """The chunks with these row ids."""
        marks = ",".join("?" * len(rows))
        found = self._db.execute(
            "SELECT id, collection_id, file_id, chunk_id, content, vector "
            f"FROM chunks WHERE id IN ({marks})",
            list(rows),
        ).fetchall()
        return {r[0]: Chunk(*r) for r in found}

    def indexed_chunks(self, cids: Sequence[str]) -> list[Chunk]:
        """Every searchable chunk of these collections (bounded by the documents' bounds)."""
        join, args = self._ready_join(cids)
        rows = self._db.execute(
            "SELECT c.id, c.collection_id, c.file_id, c.chunk_id, c.content, c.vector "
            f"FROM chunks c {join}",
            args,
        ).fetchall()
        return [Chunk(*r) for r in rows]
