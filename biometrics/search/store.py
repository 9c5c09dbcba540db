"""The per-process index of the face table (or of one shard of it), kept fresh on every search.

Freshness protocol (cheap per query, correct under concurrency):
1. Triggers on the face table (triggers.py) give every statement that inserts, updates or
   deletes faces a generation number, taken under the single IndexGeneration row's lock and
   held until commit, and log the touched face ids under that generation (IndexChange). So
   generations become visible in order, and seeing generation g means seeing all changes <= g.
2. The index remembers (epoch, generation g, token of g) of the state it has applied.
3. Before every search it runs one indexed query: the current (epoch, generation, token) and
   the token stored for its own g. Same epoch and generation and token: nothing changed. A
   higher generation whose row for g still carries its token: apply the changes in (g, G]:
   remove every touched id from memory, re-read those ids from the face table and add the
   ones that exist. Anything else (another epoch, a lower generation, g's token gone or
   different: a rollback, a flush, a restore, pruned history): reload in full.
4. After searching, the state is read once more. Unchanged (same epoch, generation and token
   as the state the index applied): the face table is what the index holds, so every id
   found is there, and nothing else is asked. Changed: the ids it would return are re-checked
   against the face table in one statement (`faces_present`); an id no longer there is
   dropped from the answer and from memory. A face erased by a transaction that committed
   before the search began is therefore never returned, even if a concurrent refresh raced
   with it.
Erased vectors are overwritten in memory (index.FaceIndex.remove), and nothing is written to
disk: a restart reloads from the database.

Loading: on PostgreSQL the face table is streamed with `COPY ... TO STDOUT (FORMAT binary)` and
parsed by numpy as fixed-width records (every row is id, photo_id and a 512-byte encoding: 542
bytes), with no Python object per row, block by block straight into the index's arrays; a large
shard fits its quantiser on a sample the database draws first, so a second thread encodes each
block while the next is read. Elsewhere (SQLite) through the ORM in chunks. Measured by
`python -m benchmarks.store_load` (the first answer of a fresh worker at 1M and 10M faces).
"""

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Mod
from django.utils import timezone

from biometrics.search.exact import DIMENSIONS
from biometrics.search.hits import Hits
from biometrics.search.index import FIT_SAMPLE, FaceIndex, Quantizer
from biometrics.search.triggers import CHANGE, GENERATION, face_table, triggers_present

LOAD_CHUNK = 20_000
# Rows parsed per numpy block while streaming a binary COPY: 8.9 MB of COPY data, under glibc's
# mmap threshold, so block buffers are reused from the heap rather than page-faulted in afresh.
COPY_BLOCK_ROWS = 16_384
REREAD_CHUNK = 5_000  # changed faces re-read with their encodings, per statement
ENCODING_BYTES = DIMENSIONS * 4
# Shards at least this large fit their quantiser on a sample the database draws, then encode
# while they read (FaceIndex.build_from_blocks); smaller ones fit after loading.
PIPELINE_MIN_ROWS = 200_000
PIPELINE_MIN_SAMPLE = 1_000


@dataclass(frozen=True)
class StoreState:
    epoch: str | None
    generation: int
    token: str | None


def state_read(known_generation: int) -> tuple[StoreState, str | None]:
    """The store's current state, and the token the change log holds for `known_generation`."""
    with connection.cursor() as cursor:
        cursor.execute(
            # Table names are this module's constants; values are parameters.
            f"SELECT g.epoch, g.value, g.token, "  # noqa: S608
            f"(SELECT c.token FROM {CHANGE} c WHERE c.generation = %s LIMIT 1) "
            f"FROM {GENERATION} g WHERE g.id = 1",
            [known_generation],
        )
        row = cursor.fetchone()
    if row is None:
        return StoreState(None, 0, None), None
    return StoreState(row[0], int(row[1]), row[2]), row[3]


def changed_face_ids(after: int, token: str | None, upto: int) -> np.ndarray | None:
    """Face ids touched in generations (after, upto], or None when generation `after` with
    `token` is no longer in the log (pruned meanwhile: the caller reloads in full). One
    statement, so the check and the ids come from one snapshot: the log is pruned from the
    oldest generation on, so if `after` is still there, nothing after it is missing."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT c.face_id, EXISTS ("  # noqa: S608 - constant table names
            f"SELECT 1 FROM {CHANGE} k WHERE k.generation = %s AND k.token = %s) "
            f"FROM {CHANGE} c WHERE c.generation > %s AND c.generation <= %s",
            [after, token, after, upto],
        )
        rows = cursor.fetchall()
    if not rows or not rows[0][1]:
        return None
    return np.array([row[0] for row in rows], dtype=np.int64)


def _faces():
    from biometrics.models import Face

    return Face.objects.order_by()


def _decode(rows: list[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    photo_ids = np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows))
    blobs = [bytes(row[2]) for row in rows]
    if any(len(blob) != ENCODING_BYTES for blob in blobs):
        raise ValueError(f"a stored face encoding is not {ENCODING_BYTES} bytes")
    vectors = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(-1, DIMENSIONS).astype(np.float32)
    return ids, photo_ids, vectors


# --- PostgreSQL: the face table as a binary COPY ------------------------------------------------

COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
# One row of `COPY (SELECT id, photo_id, encoding ...) TO STDOUT (FORMAT binary)`: a field count,
# then each field's byte length and its bytes (network order; the encoding's own bytes are
# little-endian float32, as stored).
COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("id_length", ">i4"),
        ("id", ">i8"),
        ("photo_length", ">i4"),
        ("photo_id", ">i8"),
        ("encoding_length", ">i4"),
        ("encoding", "<f4", (DIMENSIONS,)),
    ]
)
COPY_TRAILER = b"\xff\xff"


def _copy_block(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not (
        (block["fields"] == 3).all()
        and (block["id_length"] == 8).all()
        and (block["photo_length"] == 8).all()
        and (block["encoding_length"] == ENCODING_BYTES).all()
    ):
        raise ValueError(f"a stored face encoding is not {ENCODING_BYTES} bytes")
    return (
        block["id"].astype(np.int64),
        block["photo_id"].astype(np.int64),
        np.array(block["encoding"], dtype=np.float32, order="C", copy=True),  # never a view of the stream
    )


def _copy_header_length(buffer: bytearray) -> int | None:
    """Bytes of the COPY header at the start of `buffer`, None while it is incomplete."""
    fixed = len(COPY_SIGNATURE) + 8
    if len(buffer) < fixed:
        return None
    if bytes(buffer[: len(COPY_SIGNATURE)]) != COPY_SIGNATURE:
        raise ValueError("not a PostgreSQL binary COPY stream")
    extension = int.from_bytes(buffer[fixed - 4 : fixed], "big")
    return fixed + extension if len(buffer) >= fixed + extension else None


def copy_faces(sql: str):
    """Yield (ids, photo_ids, vectors) blocks of the rows `sql` (a SELECT of id, photo_id and
    encoding) returns, streamed as one binary COPY and parsed without a Python object per row."""
    buffer = bytearray()
    header_done = False
    block_bytes = COPY_BLOCK_ROWS * COPY_ROW.itemsize
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
        for data in copy:
            buffer += data
            if not header_done:
                header = _copy_header_length(buffer)
                if header is None:
                    continue
                del buffer[:header]
                header_done = True
            if len(buffer) >= block_bytes:
                size = len(buffer) // COPY_ROW.itemsize * COPY_ROW.itemsize
                yield _copy_block_out(buffer, size)
                del buffer[:size]
    if not header_done or not buffer.endswith(COPY_TRAILER):
        raise ValueError("the binary COPY of the face table ended early")
    del buffer[-len(COPY_TRAILER) :]
    if len(buffer) % COPY_ROW.itemsize:
        raise ValueError(f"a stored face encoding is not {ENCODING_BYTES} bytes")
    if buffer:
        yield _copy_block_out(buffer, len(buffer))


def _copy_block_out(buffer: bytearray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The first `size` bytes of `buffer` (whole rows) parsed into new arrays, read in place
    (no copy of the bytes) and then zeroed, so the stream's buffer keeps no encoding behind."""
    with memoryview(buffer)[:size] as view:
        raw = np.frombuffer(view, dtype=COPY_ROW)
        block = _copy_block(raw)
        np.frombuffer(view, dtype=np.uint8)[:] = 0
        del raw
    return block


class StoreIndex:
    """Faces with id % shards == shard, searchable exactly and always fresh (see module doc)."""

    def __init__(self, shard: int = 0, shards: int = 1):
        if shards < 1 or not 0 <= shard < shards:
            raise ValueError("shard must be in 0 .. shards - 1")
        self.shard = shard
        self.shards = shards
        self.index: FaceIndex | None = None
        self.state = StoreState(None, 0, None)
        self.reloads = 0  # full loads, for tests and operators
        self._lock = threading.Lock()

    def _queryset(self):
        faces = _faces()
        if self.shards > 1:
            faces = faces.annotate(search_shard=Mod("id", self.shards)).filter(search_shard=self.shard)
        return faces

    def _mine(self, ids: np.ndarray) -> np.ndarray:
        return ids[ids % self.shards == self.shard] if self.shards > 1 else ids

    # --- loading and refreshing -------------------------------------------------------------

    def _load(self, state: StoreState) -> None:
        if not triggers_present(connection, face_table()):
            raise ImproperlyConfigured(
                "the face search triggers are missing: add 'biometrics.search' to INSTALLED_APPS and run migrate"
            )
        if self.index is not None:
            self.index.wipe()
        expected = self._expected_rows()
        self.index = FaceIndex.build_from_blocks(
            self._read_all(), expected=expected, wipe_blocks=True, quantizer=self._sampled_quantizer(expected)
        )
        self.state = state
        self.reloads += 1

    def _expected_rows(self) -> int:
        """About how many faces this shard holds, to allocate the index once: PostgreSQL's own
        estimate of the table's rows (free; the index grows if it was low), elsewhere a count."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [face_table()])
                row = cursor.fetchone()
            estimate = int(row[0]) if row and row[0] and row[0] > 0 else 0
            return estimate // self.shards
        return self._queryset().count()

    def _sampled_quantizer(self, expected: int) -> Quantizer | None:
        """For a large shard on PostgreSQL: a quantiser fitted on a sample of about FIT_SAMPLE
        rows that the database draws from random pages (TABLESAMPLE SYSTEM, a fixed seed), so
        the load can encode each block while reading the next (FaceIndex.build_from_blocks).
        None (fit after loading) for small shards, elsewhere, or when the sample is too small."""
        if connection.vendor != "postgresql" or expected < PIPELINE_MIN_ROWS:
            return None
        percent = min(100.0, 100.0 * FIT_SAMPLE * 1.2 / (expected * self.shards))
        table = connection.ops.quote_name(face_table())
        where = f" WHERE id %% {int(self.shards)} = {int(self.shard)}" if self.shards > 1 else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT encoding FROM {table} TABLESAMPLE SYSTEM (%s) REPEATABLE (0){where}",  # noqa: S608 - ints only
                [percent],
            )
            blobs = [bytes(row[0]) for row in cursor.fetchall()]
        if len(blobs) < PIPELINE_MIN_SAMPLE or any(len(blob) != ENCODING_BYTES for blob in blobs):
            return None
        sample = np.frombuffer(b"".join(blobs[:FIT_SAMPLE]), dtype="<f4").reshape(-1, DIMENSIONS).copy()
        del blobs
        quantizer = Quantizer.fit(sample)
        sample[...] = 0
        return quantizer

    def _read_all(self, *, via_copy: bool | None = None):
        """(ids, photo_ids, vectors) blocks of this shard's faces: one binary COPY on
        PostgreSQL, else (or with via_copy=False, the benchmark's baseline) the ORM in chunks."""
        if via_copy is None:
            via_copy = connection.vendor == "postgresql"
        if via_copy:
            table = connection.ops.quote_name(face_table())
            where = f" WHERE id % {int(self.shards)} = {int(self.shard)}" if self.shards > 1 else ""
            yield from copy_faces(f"SELECT id, photo_id, encoding FROM {table}{where}")  # noqa: S608 - ints only
            return
        batch = []
        for row in self._queryset().values_list("id", "photo_id", "encoding").iterator(chunk_size=LOAD_CHUNK):
            batch.append(row)
            if len(batch) == LOAD_CHUNK:
                yield _decode(batch)
                batch = []
        if batch:
            yield _decode(batch)

    def _apply(self, touched: np.ndarray) -> None:
        touched = self._mine(touched)
        if len(touched) == 0:
            return
        self.index.remove(touched)
        for start in range(0, len(touched), REREAD_CHUNK):
            chunk = touched[start : start + REREAD_CHUNK].tolist()
            rows = list(_faces().filter(id__in=chunk).values_list("id", "photo_id", "encoding"))
            if rows:
                self.index.add(*_decode(rows))

    def refresh(self) -> None:
        """Bring the index up to the committed (or this transaction's) state of the face table."""
        current, token_of_known = state_read(self.state.generation)
        known = self.state
        if self.index is None or current.epoch != known.epoch or current.generation < known.generation:
            self._load(current)
        elif current.generation == known.generation:
            if current.token != known.token:
                self._load(current)
        elif known.generation > 0 and token_of_known != known.token:
            self._load(current)
        else:
            touched = changed_face_ids(known.generation, known.token, current.generation)
            if touched is None:
                self._load(current)
            else:
                self._apply(touched)
                self.state = current

    # --- searching --------------------------------------------------------------------------

    def search_loaded(self, queries: np.ndarray, tolerance: float) -> list[Hits]:
        """Search what is in memory now, then drop (and forget) ids the face table no longer
        has (step 4 of the module doc)."""
        if len(queries) == 1:
            results = [self.index.search(queries[0], tolerance=tolerance)]
        else:
            results = self.index.search_batch(queries, tolerance=tolerance)
        found = np.concatenate([hits.ids for hits in results]) if results else np.empty(0, dtype=np.int64)
        if len(found) == 0 or state_read(self.state.generation)[0] == self.state:
            return results
        gone = faces_missing(np.unique(found))
        if len(gone) == 0:
            return results
        self.index.remove(gone)
        return [hits.without(gone) for hits in results]

    def search(self, queries: np.ndarray, tolerance: float) -> list[Hits]:
        with self._lock:
            self.refresh()
            return self.search_loaded(queries, tolerance)

    def stats(self) -> dict:
        with self._lock:
            index = self.index
            return {
                "shard": self.shard,
                "shards": self.shards,
                "faces": index.n if index else 0,
                "bytes": index.nbytes if index else 0,
                "generation": self.state.generation,
                "reloads": self.reloads,
            }


def faces_missing(ids: np.ndarray) -> np.ndarray:
    """Which of these face ids the face table no longer holds: one statement whatever their
    number (an `id IN (...)` list needs a parameter per id, hence chunks), answered from the
    primary key, and returning only the missing ids, usually none."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if len(ids) == 0:
        return ids
    table = connection.ops.quote_name(face_table())
    if connection.vendor == "postgresql":
        # The ids travel as one bigint[] parameter.
        sql = f"SELECT x FROM unnest(%s::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM {table} f WHERE f.id = x)"  # noqa: S608
        params = [ids.tolist()]
    else:  # SQLite: the ids as one JSON array, unpacked by json_each
        sql = f"SELECT j.value FROM json_each(%s) AS j WHERE NOT EXISTS (SELECT 1 FROM {table} f WHERE f.id = j.value)"  # noqa: S608
        params = [json.dumps(ids.tolist())]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return np.array([row[0] for row in rows], dtype=np.int64)


def index_changes_prune(*, older_than: timedelta = timedelta(days=7), now: datetime | None = None) -> int:
    """Delete the change log up to the newest generation that has a change older than the
    cutoff; returns how many rows were deleted.

    Whole generations from the oldest on, never a later one alone: `changed_at` is the writing
    transaction's start, which is not in generation (commit) order, so pruning by time alone
    could drop a change that a reader behind it still needs. A reader whose generation is
    pruned reloads in full (store.py, step 3)."""
    from biometrics.search.models import IndexChange

    cutoff = (now or timezone.now()) - older_than
    with transaction.atomic():
        horizon = IndexChange.objects.filter(changed_at__lt=cutoff).aggregate(top=Max("generation"))["top"]
        if horizon is None:
            return 0
        deleted, _ = IndexChange.objects.filter(generation__lte=horizon).delete()
    return deleted


_stores: dict[tuple[int, int], StoreIndex] = {}
_stores_lock = threading.Lock()


def store_for(shard: int = 0, shards: int = 1) -> StoreIndex:
    """This process's index of one shard (created on first use, loaded on first search)."""
    with _stores_lock:
        store = _stores.get((shard, shards))
        if store is None:
            store = _stores[(shard, shards)] = StoreIndex(shard, shards)
        return store


def stores_forget() -> None:
    """Drop every index of this process (their memory is wiped first)."""
    with _stores_lock:
        for store in _stores.values():
            with store._lock:
                if store.index is not None:
                    store.index.wipe()
                    store.index = None
        _stores.clear()
