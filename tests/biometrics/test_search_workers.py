"""Search across processes: Celery worker processes holding shards, erasure seen by a worker
that loaded its index before it. Needs PostgreSQL and a broker (skips without, fails with
REQUIRE_SERVICES=1)."""

import uuid

import numpy as np
import pytest

from biometrics.models import Face
from biometrics.search import search_faces
from biometrics.search.shards import search_sharded
from biometrics.search.tasks import search_shard
from tests.biometrics.test_search_store import SIGMA, make_faces

pytestmark = pytest.mark.worker


@pytest.fixture
def population(transactional_db):
    rng = np.random.default_rng(7)
    centre = rng.normal(0, 1.3 / np.sqrt(128), 128)
    persons = [centre + rng.standard_normal(128) * SIGMA for _ in range(6)]
    for person in persons:
        make_faces(person + rng.standard_normal((3, 128)) * 0.025)
    make_faces(centre + rng.standard_normal((300, 128)) * SIGMA)
    return rng, centre, persons


def shard_ids(answer) -> list[int]:
    return [face_id for face_id, _photo, _distance in answer]


def test_two_worker_processes_holding_shards_answer_like_one_process(start_worker, population):
    rng, centre, persons = population
    base = f"test-shards-{uuid.uuid4().hex[:8]}"
    workers = [start_worker(queue=f"{base}.0"), start_worker(queue=f"{base}.1")]
    queries = np.stack([*persons, centre + rng.standard_normal(128) * SIGMA])
    for tolerance in (0.5, 0.6, 0.75):
        local = [search_faces(q, tolerance=tolerance) for q in queries]
        sharded = search_sharded(queries, tolerance=tolerance, shards=2, queue=base, per_shard_queues=True, timeout=90)
        assert sharded == local
    assert sum(len(m) for m in local) > len(queries)
    for worker in workers:  # each process answered for its own shard
        assert b"biometrics.search_shard" in worker.log_path.read_bytes()
        assert b"succeeded" in worker.log_path.read_bytes()


@pytest.mark.parametrize("shards", [4, 5])
def test_more_shards_than_workers_on_one_queue(start_worker, population, shards):
    """Issue 14 item 7: 4 (and 5) shards fanned out to 2 worker processes answer exactly as the
    single process does."""
    rng, _centre, persons = population
    queue = f"test-shards-{uuid.uuid4().hex[:8]}"
    start_worker(queue=queue)
    start_worker(queue=queue)
    local = [search_faces(p, tolerance=0.6) for p in persons]
    assert search_sharded(np.stack(persons), tolerance=0.6, shards=shards, queue=queue, timeout=90) == local


def test_a_worker_that_loaded_before_an_erasure_never_returns_the_face(start_worker, population):
    rng, _centre, persons = population
    worker = start_worker()
    query = persons[4].tolist()

    def ask() -> list[int]:
        return shard_ids(search_shard.apply_async((0, 1, [query], 0.6), queue=worker.queue).get(timeout=90)[0])

    before = ask()  # the worker process loads its index now
    assert len(before) >= 3
    erased = before[0]
    Face.objects.filter(pk=erased).delete()  # committed (transactional test): as erasure does
    assert erased not in ask()
    assert set(ask()) == set(before) - {erased}

    added = make_faces([persons[4] + rng.standard_normal(128) * 0.01])[0]
    assert added.pk in ask()  # searchable right after the insert committed

    added.photo.delete()  # a cascade from the photo is an erasure too
    assert added.pk not in ask()
