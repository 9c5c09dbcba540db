"""The database-backed index: fresh on every search, never returns an erased face."""

import uuid
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from biometrics.models import Face, SourcePhoto, encoding_to_bytes
from biometrics.search import Hits, Match, search_faces, search_faces_batch
from biometrics.search.exact import brute_force
from biometrics.search.models import IndexChange
from biometrics.search.store import (
    StoreIndex,
    changed_face_ids,
    faces_missing,
    index_changes_prune,
    state_read,
    store_for,
    stores_forget,
)
from biometrics.search.triggers import face_table, triggers_present

SIGMA = 0.84 / np.sqrt(256)


def make_photo() -> SourcePhoto:
    digest = uuid.uuid4().hex * 2
    return SourcePhoto.objects.create(
        source_url=f"https://example.org/{digest[:8]}.jpg",
        sha256=digest,
        image=f"x/{digest}.jpg",
        width=100,
        height=100,
        size_bytes=1000,
    )


def make_faces(vectors, photo: SourcePhoto | None = None) -> list[Face]:
    photo = photo or make_photo()
    return Face.objects.bulk_create(
        Face(
            photo=photo,
            top=0,
            right=10,
            bottom=10,
            left=0,
            encoding=encoding_to_bytes(v),
            model_name="test",
            model_version="1",
        )
        for v in vectors
    )


def table() -> tuple[np.ndarray, np.ndarray]:
    rows = list(Face.objects.values_list("id", "encoding"))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    vectors = np.array([np.frombuffer(bytes(r[1]), dtype="<f4") for r in rows]).reshape(-1, 128)
    return ids, vectors


def assert_mirrors_the_table(store: StoreIndex) -> None:
    """The index holds exactly the face table: same ids, same vectors."""
    ids, vectors = table()
    index = store.index
    order = np.argsort(index.ids[: index.n])
    assert index.ids[: index.n][order].tolist() == sorted(ids.tolist())
    assert np.array_equal(index.vectors[: index.n][order], vectors[np.argsort(ids)])


def as_pairs(matches: list[Match]) -> list[tuple[int, float]]:
    return [(m.face_id, m.distance) for m in matches]


@pytest.fixture
def rng():
    return np.random.default_rng(42)


@pytest.fixture
def people(rng):
    """Five people with four photos each (~0.4 apart) among 200 strangers."""
    centre = rng.normal(0, 1.3 / np.sqrt(128), 128)
    persons = [centre + rng.standard_normal(128) * SIGMA for _ in range(5)]
    strangers = centre + rng.standard_normal((200, 128)) * SIGMA
    for person in persons:
        make_faces(person + rng.standard_normal((4, 128)) * 0.025)
    make_faces(strangers)
    return centre, persons


@pytest.fixture(autouse=True)
def forget_indexes():
    stores_forget()
    yield
    stores_forget()


def test_triggers_are_installed_by_migrate(db):
    assert triggers_present(connection, face_table())


def test_search_faces_equals_brute_force_over_the_face_table(db, people, rng):
    centre, persons = people
    ids, vectors = table()
    queries = [p + rng.standard_normal(128) * 0.02 for p in persons] + [centre + rng.standard_normal(128) * SIGMA]
    for tolerance in (0.3, 0.5, 0.6, 0.8):
        batch = search_faces_batch(queries, tolerance=tolerance)
        for query, got in zip(queries, batch, strict=True):
            assert as_pairs(got) == brute_force(ids, vectors, query, tolerance)
            assert as_pairs(search_faces(query, tolerance=tolerance)) == as_pairs(got)
    found = search_faces(persons[0], tolerance=0.6)
    assert len(found) >= 4
    assert all(isinstance(m, Match) and m.photo_id == Face.objects.get(pk=m.face_id).photo_id for m in found)
    assert [m.distance for m in found] == sorted(m.distance for m in found)


def test_every_change_gets_a_generation_including_cascades_and_bulk_deletes(db, rng):
    before, _ = state_read(0)
    faces = make_faces(rng.standard_normal((3, 128)) * 0.1)
    after_insert, _ = state_read(0)
    assert after_insert.generation > before.generation
    Face.objects.filter(pk=faces[0].pk).update(left=1)
    after_update, _ = state_read(0)
    assert after_update.generation > after_insert.generation
    faces[1].photo.delete()  # cascades to its faces
    after_cascade, _ = state_read(0)
    assert after_cascade.generation > after_update.generation
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT face_id FROM biometrics_search_change WHERE generation > %s", [after_update.generation]
        )
        assert {row[0] for row in cursor.fetchall()} == {f.pk for f in faces}


def test_inserted_face_is_found_right_after_commit_and_deleted_never_again(db, people, rng):
    centre, persons = people
    store = StoreIndex()
    query = persons[2]
    first = store.search(query[None], 0.6)[0]
    assert len(first) >= 4
    loads = store.reloads

    new = make_faces([query + rng.standard_normal(128) * 0.01])[0]
    hits = store.search(query[None], 0.6)[0]
    assert new.pk in hits.ids.tolist()
    assert store.reloads == loads  # applied as a change, not a reload

    erased = int(first.ids[0])
    Face.objects.filter(pk=erased).delete()
    hits = store.search(query[None], 0.6)[0]
    assert erased not in hits.ids.tolist()
    assert erased not in store.index.ids[: store.index.n].tolist()  # gone from memory too
    assert store.reloads == loads
    assert_mirrors_the_table(store)
    ids, vectors = table()
    assert list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True)) == brute_force(ids, vectors, query, 0.6)


def test_a_stale_index_never_returns_a_deleted_face(db, people):
    """Even if a search ran on memory from before the erasure (a race with the refresh), the
    re-check against the face table drops the face, and forgets it."""
    _centre, persons = people
    store = StoreIndex()
    store.search(persons[1][None], 0.6)
    victim = int(store.search(persons[1][None], 0.6)[0].ids[0])
    Face.objects.filter(pk=victim).delete()
    stale = store.search_loaded(persons[1][None], 0.6)[0]  # no refresh: memory predates the delete
    assert victim not in stale.ids.tolist()
    assert victim not in store.index.ids[: store.index.n].tolist()


def test_rolled_back_changes_are_undone_in_memory(db, people, rng):
    """A search inside a transaction sees its own uncommitted faces; after a rollback the index
    notices that the history it applied never happened and reloads."""
    _centre, persons = people
    store = StoreIndex()
    store.search(persons[0][None], 0.6)
    with pytest.raises(RuntimeError), transaction.atomic():
        ghost = make_faces([persons[0]])[0]
        assert ghost.pk in store.search(persons[0][None], 0.6)[0].ids.tolist()
        raise RuntimeError("roll back")
    loads = store.reloads
    # New changes reach the same generation number with another token: detected.
    make_faces([persons[3]])
    hits = store.search(persons[0][None], 0.6)[0]
    assert ghost.pk not in hits.ids.tolist() or Face.objects.filter(pk=ghost.pk).exists()  # SQLite reuses ids
    assert_mirrors_the_table(store)
    assert store.reloads == loads + 1
    ids, vectors = table()
    assert list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True)) == brute_force(
        ids, vectors, persons[0], 0.6
    )


def test_shards_in_one_process_equal_the_whole(db, people, rng):
    centre, persons = people
    queries = np.stack([*persons, centre])
    whole = StoreIndex().search(queries, 0.7)
    for shards in (2, 3):
        parts = [StoreIndex(k, shards).search(queries, 0.7) for k in range(shards)]
        for position, hits in enumerate(whole):
            merged = sorted(
                (d, i)
                for part in parts
                for i, d in zip(part[position].ids.tolist(), part[position].distances.tolist(), strict=True)
            )
            assert merged == sorted(zip(hits.distances.tolist(), hits.ids.tolist(), strict=True))


@pytest.fixture
def tasks_in_process():
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_sharded_search_faces_equals_local(db, people, settings, tasks_in_process):
    """FACE_SEARCH_SHARDS > 1 fans out through a Celery group, run in-process here (with real
    worker processes in test_search_workers.py)."""
    _centre, persons = people
    local = [search_faces(p, tolerance=0.6) for p in persons]
    settings.FACE_SEARCH_SHARDS = 3
    assert [search_faces(p, tolerance=0.6) for p in persons] == local
    assert search_faces_batch(persons, tolerance=0.6) == local


def test_the_registry_keeps_one_index_per_shard(db):
    assert store_for(0, 1) is store_for(0, 1)
    assert store_for(1, 2) is not store_for(0, 2)
    with pytest.raises(ValueError):
        StoreIndex(2, 2)


def test_search_faces_validates_input(db):
    with pytest.raises(ValueError):
        search_faces(np.zeros(12), tolerance=0.6)
    with pytest.raises(ValueError):
        search_faces(np.zeros(128), tolerance=float("nan"))
    assert search_faces_batch([], tolerance=0.6) == []


def test_pruning_makes_readers_behind_it_reload_and_others_continue(db, people):
    _centre, persons = people
    behind = StoreIndex()
    behind.search(persons[0][None], 0.6)
    make_faces([persons[0]])
    IndexChange.objects.update(changed_at=timezone.now() - timedelta(days=30))
    make_faces([persons[1]])
    current = StoreIndex()
    current.search(persons[1][None], 0.6)
    newest = IndexChange.objects.order_by("-generation").first().generation

    assert index_changes_prune(older_than=timedelta(days=7)) > 0
    assert IndexChange.objects.exclude(generation=newest).count() == 0  # whole generations, oldest first
    assert index_changes_prune(older_than=timedelta(days=7)) == 0

    added = make_faces([persons[2]])[0]
    before = behind.reloads, current.reloads
    assert added.pk in behind.search(persons[2][None], 0.6)[0].ids.tolist()
    assert added.pk in current.search(persons[2][None], 0.6)[0].ids.tolist()
    assert (behind.reloads, current.reloads) == (before[0] + 1, before[1])
    assert_mirrors_the_table(behind)
    assert_mirrors_the_table(current)


def test_changes_read_after_a_concurrent_prune_are_refused(db, people):
    """The refresh reads the state, then the changes: a prune in between must not yield a
    partial list of changes (it yields None and the index reloads)."""
    _centre, persons = people
    store = StoreIndex()
    store.search(persons[0][None], 0.6)
    known = store.state
    added = make_faces([persons[0], persons[1]])
    current, _ = state_read(known.generation)
    assert set(changed_face_ids(known.generation, known.token, current.generation).tolist()) == {f.pk for f in added}
    index_changes_prune(older_than=timedelta(0), now=timezone.now() + timedelta(days=1))
    assert changed_face_ids(known.generation, known.token, current.generation) is None


def test_truncating_the_face_table_empties_every_index(db, people):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE without WHERE fires the row triggers)")
    _centre, persons = people
    store = StoreIndex()
    assert len(store.search(persons[0][None], 0.6)[0])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the deferred FK checks of the inserts
        cursor.execute(f'TRUNCATE "{face_table()}" CASCADE')
    assert len(store.search(persons[0][None], 0.6)[0]) == 0
    assert store.index.n == 0


# --- the store's own cost per returned face (issue 14 item 5) ------------------------------------


@pytest.fixture
def cluster(db, rng):
    """12,000 faces within 0.6 of one query: more than the old re-check's chunk of 5,000."""
    centre = rng.normal(0, 1.3 / np.sqrt(128), 128)
    photo = make_photo()
    faces = make_faces(centre + rng.standard_normal((12_000, 128)) * 0.02, photo)
    return centre, faces


def statements(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def test_search_faces_returns_arrays_and_matches_on_demand(db, people):
    _centre, persons = people
    hits = search_faces(persons[0], tolerance=0.6)
    assert isinstance(hits, Hits)
    assert hits.ids.dtype == np.int64 and hits.photo_ids.dtype == np.int64 and hits.distances.dtype == np.float64
    assert len(hits) == len(hits.ids) >= 4
    matches = list(hits)  # objects only when the caller asks for them
    assert all(type(m) is Match and type(m.face_id) is int and type(m.distance) is float for m in matches)
    assert [m.face_id for m in matches] == hits.ids.tolist()
    assert hits == search_faces(persons[0], tolerance=0.6) and hits != search_faces(persons[1], tolerance=0.6)


def test_an_unchanged_store_answers_without_asking_the_face_table(cluster):
    """Nothing changed since the refresh (same generation): the index holds exactly the face
    table, so the ids it found need no re-check; one indexed read of the generation row."""
    centre, faces = cluster
    store = StoreIndex()
    store.search(centre[None], 0.6)
    with CaptureQueriesContext(connection) as captured:
        (hits,) = store.search_loaded(centre[None], 0.6)
    assert len(hits) == len(faces)
    assert len(captured) == 1 and face_table() not in statements(captured)[0]


def test_after_a_change_the_answer_is_rechecked_in_one_statement(cluster):
    """A face deleted after the index last refreshed is dropped by one set-based statement
    (it was one query per 5,000 returned ids, and a Python object per row)."""
    centre, faces = cluster
    store = StoreIndex()
    store.search(centre[None], 0.6)
    erased = [faces[7].pk, faces[11_000].pk]
    Face.objects.filter(pk__in=erased).delete()
    with CaptureQueriesContext(connection) as captured:
        (hits,) = store.search_loaded(centre[None], 0.6)  # memory from before the delete
    assert len(captured) == 2  # the generation, then the one re-check
    assert face_table() in statements(captured)[1]
    assert len(hits) == len(faces) - 2 and not set(erased) & set(hits.ids.tolist())
    assert not set(erased) & set(store.index.ids[: store.index.n].tolist())  # forgotten too
    ids, vectors = table()
    assert list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True)) == brute_force(ids, vectors, centre, 0.6)


def test_faces_missing_names_only_ids_the_table_no_longer_has(db, rng):
    faces = make_faces(rng.standard_normal((5, 128)) * 0.1)
    ids = np.array([f.pk for f in faces], dtype=np.int64)
    Face.objects.filter(pk=faces[2].pk).delete()
    assert faces_missing(ids).tolist() == [faces[2].pk]
    assert sorted(faces_missing(np.append(ids, [10**12, 2**62])).tolist()) == sorted([faces[2].pk, 10**12, 2**62])
    assert faces_missing(np.empty(0, dtype=np.int64)).tolist() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the binary COPY loader is PostgreSQL's")
@pytest.mark.parametrize("shards", [1, 3])
def test_the_binary_copy_loader_reads_what_the_orm_reads(db, rng, shards, monkeypatch):
    """PostgreSQL loads the face table with one binary COPY parsed by numpy (store.copy_faces);
    it must give exactly the ids, photos and vectors the ORM gives, shard by shard, across
    several parse blocks."""
    import biometrics.search.store as store_module

    monkeypatch.setattr(store_module, "COPY_BLOCK_ROWS", 7)  # many blocks and a partial last one
    vectors = rng.normal(size=(50, 128)).astype(np.float32)
    make_faces(vectors[:20])
    make_faces(vectors[20:])
    for shard in range(shards):
        store = StoreIndex(shard, shards)
        copied = [np.concatenate(column) for column in zip(*store._read_all(), strict=True)]
        rows = list(store._queryset().order_by("id").values_list("id", "photo_id", "encoding"))
        ids, photo_ids, expected = store_module._decode(rows)
        order = np.argsort(copied[0])
        np.testing.assert_array_equal(copied[0][order], ids)
        np.testing.assert_array_equal(copied[1][order], photo_ids)
        np.testing.assert_array_equal(copied[2][order], expected)
        assert copied[2].dtype == np.float32 and copied[2].flags.c_contiguous


def test_the_binary_copy_parser_refuses_a_broken_row():
    from biometrics.search.store import COPY_ROW, _copy_block

    block = np.zeros(2, dtype=COPY_ROW)
    block["fields"], block["id_length"], block["photo_length"], block["encoding_length"] = 3, 8, 8, 512
    assert len(_copy_block(block)[0]) == 2
    block["encoding_length"][1] = -1  # a NULL encoding
    with pytest.raises(ValueError, match="not 512 bytes"):
        _copy_block(block)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the sampled, pipelined load is PostgreSQL's")
@pytest.mark.parametrize("shards", [1, 3])
def test_a_large_shard_loads_with_a_sampled_quantiser_and_answers_exactly(db, rng, shards, monkeypatch):
    """A large shard (here: any, with the threshold at 0) fits its quantiser on rows the database
    samples and encodes each COPY block on a second thread while the next is read; with the
    expected count far too low the index also grows mid-load. Its answers are the brute force's."""
    import biometrics.search.index as index_module
    import biometrics.search.store as store_module

    monkeypatch.setattr(store_module, "PIPELINE_MIN_ROWS", 0)
    monkeypatch.setattr(store_module, "PIPELINE_MIN_SAMPLE", 1)
    monkeypatch.setattr(store_module, "COPY_BLOCK_ROWS", 16)
    monkeypatch.setattr(index_module, "ENCODE_CHUNK", 5)
    centre = rng.normal(size=128) * 0.09
    vectors = (centre + rng.normal(size=(300, 128)) * 0.04).astype(np.float32)
    faces = make_faces(vectors[:150]) + make_faces(vectors[150:])
    ids = np.array([face.pk for face in faces], dtype=np.int64)
    answered = 0
    for shard in range(shards):
        store = StoreIndex(shard, shards)
        monkeypatch.setattr(store, "_expected_rows", lambda: 3)
        assert store._sampled_quantizer(300) is not None
        queries = [vectors[7], vectors[160] + 0.01, centre]
        mine = ids % shards == shard
        for query in queries:
            (hits,) = store.search(np.asarray([query], dtype=np.float64), 0.5)
            expected = brute_force(ids[mine], vectors[mine], np.asarray(query, dtype=np.float64), 0.5)
            assert list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True)) == expected
            answered += len(expected)
        assert store.index.n == int(mine.sum())
        assert store.index.quantizer.step != index_module.Quantizer.fit(None).step
    assert answered >= 2  # the stored rows queried are found
