"""The in-memory index answers exactly what a float64 brute-force scan answers."""

import itertools

import face_recognition
import numpy as np
import pytest

from biometrics.search import kernels
from biometrics.search.exact import as_query, brute_force
from biometrics.search.index import FINE, MARGIN, FaceIndex, Quantizer

SIGMA = 0.84 / np.sqrt(256)  # strangers about 0.84 apart, as on the shared photos


def store(rng, size=4000, people=300):
    """Strangers around a centre of norm ~1.3, plus people with several photos each."""
    centre = rng.normal(0, 1.3 / np.sqrt(128), 128)
    vectors = centre + rng.standard_normal((size, 128)) * SIGMA
    for row in range(0, min(people * 4, size - 4), 4):
        person = centre + rng.standard_normal(128) * SIGMA
        vectors[row : row + 4] = person + rng.standard_normal((4, 128)) * 0.025
    ids = rng.permutation(size) * 3 + 11
    return ids.astype(np.int64), (ids // 2).astype(np.int64), vectors.astype(np.float32), centre


def answer(hits):
    return list(zip(hits.ids.tolist(), hits.distances.tolist(), strict=True))


def reference(ids, vectors, query, tolerance):
    """face_recognition's own formula on float64 copies: the brute force every answer must equal."""
    distances = face_recognition.face_distance(vectors.astype(np.float64), np.asarray(query, dtype=np.float64))
    keep = np.flatnonzero(distances <= tolerance)
    order = np.lexsort((ids[keep], distances[keep]))
    return [(int(ids[keep][i]), float(distances[keep][i])) for i in order]


def queries_for(rng, vectors, centre, count=60):
    near = vectors[rng.choice(len(vectors), count // 2)] + rng.standard_normal((count // 2, 128)) * 0.02
    far = centre + rng.standard_normal((count - count // 2, 128)) * SIGMA
    return np.concatenate([near, far])


def test_equals_float64_brute_force_on_many_queries_and_tolerances():
    rng = np.random.default_rng(1)
    ids, photo_ids, vectors, centre = store(rng)
    index = FaceIndex.build(ids, photo_ids, vectors)
    total = 0
    for query in queries_for(rng, vectors, centre):
        for tolerance in (0.0, 0.3, 0.45, 0.5, 0.6, 0.7, 0.9, 1.5):
            want = reference(ids, vectors, query, tolerance)
            assert answer(index.search(query, tolerance=tolerance)) == want
            total += len(want)
    assert total > 1000  # the queries did find things, at every scale of tolerance


def test_a_face_exactly_at_the_tolerance_is_kept_and_one_ulp_below_is_not():
    rng = np.random.default_rng(2)
    ids, photo_ids, vectors, centre = store(rng)
    index = FaceIndex.build(ids, photo_ids, vectors)
    for query in queries_for(rng, vectors, centre, count=20):
        distances = face_recognition.face_distance(vectors.astype(np.float64), query)
        for row in np.argsort(distances)[:5]:
            edge = float(distances[row])
            kept = answer(index.search(query, tolerance=edge))
            assert (int(ids[row]), edge) in kept
            assert kept == reference(ids, vectors, query, edge)
            below = float(np.nextafter(edge, 0))
            dropped = answer(index.search(query, tolerance=below))
            assert (int(ids[row]), edge) not in dropped
            assert dropped == reference(ids, vectors, query, below)


def test_a_planted_vector_at_exactly_0_6_is_found():
    rng = np.random.default_rng(3)
    ids, photo_ids, vectors, centre = store(rng, size=2000)
    query = centre + rng.standard_normal(128) * SIGMA
    direction = rng.standard_normal(128)
    direction /= np.linalg.norm(direction)
    # Walk along a direction until the float64 distance of the float32 vector is <= 0.6 with
    # the next float32 step above it: the tightest vector a store can hold at this tolerance.
    planted = (query + direction * 0.6).astype(np.float32)
    while face_recognition.face_distance(planted[None].astype(np.float64), query)[0] > 0.6:
        planted = np.nextafter(planted, query.astype(np.float32))
    vectors[7] = planted
    index = FaceIndex.build(ids, photo_ids, vectors)
    got = answer(index.search(query, tolerance=0.6))
    assert int(ids[7]) in [face_id for face_id, _ in got]
    assert got == reference(ids, vectors, query, 0.6)


def test_candidates_are_a_superset_and_compiled_scan_equals_plain_numpy():
    rng = np.random.default_rng(4)
    ids, photo_ids, vectors, centre = store(rng)
    index = FaceIndex.build(ids, photo_ids, vectors)
    quantizer = index.quantizer
    for query in queries_for(rng, vectors, centre, count=30):
        for tolerance in (0.4, 0.6, 0.8):
            rows = index.candidates(query, tolerance)
            code = quantizer.encode_query(query)
            plain = kernels.scan_candidates_numpy(
                index.codes,
                index.norms,
                index.bounds,
                index.n,
                code.u,
                code.total_u,
                tolerance + code.error + MARGIN,
                FINE / quantizer.step,
            )
            assert np.array_equal(np.sort(rows), plain)
            true_rows = np.flatnonzero(
                face_recognition.face_distance(index.vectors[: index.n].astype(np.float64), query) <= tolerance
            )
            assert set(true_rows.tolist()) <= set(rows.tolist())
    # and the bound prunes: at 0.6 most of the store is never looked at exactly
    assert len(index.candidates(centre + rng.standard_normal(128) * SIGMA, 0.6)) < index.n / 10


def test_bounds_are_true_upper_bounds_of_the_quantisation_error():
    rng = np.random.default_rng(5)
    _ids, _photo_ids, vectors, _centre = store(rng, size=3000)
    vectors[:10] *= 3  # far outside the fitted range: clamped codes, large errors
    quantizer = Quantizer.fit(vectors[100:])
    codes, _norms, bounds = quantizer.encode(vectors)
    codes = codes.astype(np.float64)
    rotated = vectors.astype(np.float64) @ quantizer.rotation.T
    error = np.linalg.norm(rotated - (quantizer.offset + quantizer.step * codes), axis=1)
    assert np.all(bounds.astype(np.float64) >= error)
    assert bounds[:10].min() > np.median(bounds)


def test_batch_equals_single_including_candidate_overflow(monkeypatch):
    rng = np.random.default_rng(6)
    ids, photo_ids, vectors, centre = store(rng)
    index = FaceIndex.build(ids, photo_ids, vectors)
    queries = queries_for(rng, vectors, centre, count=40)
    monkeypatch.setattr("biometrics.search.index.BATCH_CANDIDATES", 8)  # force the rescan path
    for tolerance in (0.5, 0.6, 1.2):
        batch = index.search_batch(queries, tolerance=tolerance)
        assert [answer(h) for h in batch] == [answer(index.search(q, tolerance=tolerance)) for q in queries]
    assert sum(len(h) for h in index.search_batch(queries, tolerance=1.2)) > 40 * 8


def test_remove_erases_vectors_from_memory_and_answers():
    rng = np.random.default_rng(7)
    ids, photo_ids, vectors, centre = store(rng, size=1000)
    index = FaceIndex.build(ids, photo_ids, vectors)
    query = vectors[3].astype(np.float64)
    gone = [int(ids[3]), int(ids[999]), int(ids[500]), 123456789]  # last row, middle, absent
    assert index.remove(gone) == 3
    assert index.n == 997
    assert not np.isin(gone, index.ids[: index.n]).any()
    # not masked: no row of any array still holds an erased vector
    for row in (3, 999, 500):
        assert not (index.vectors == vectors[row]).all(axis=1).any()
    assert np.all(index.vectors[index.n :] == 0) and np.all(index.codes[index.n :] == 0)
    keep = ~np.isin(ids, gone)
    for tolerance in (0.3, 0.6):
        assert answer(index.search(query, tolerance=tolerance)) == reference(ids[keep], vectors[keep], query, tolerance)


def test_add_upsert_and_growth_keep_answers_exact():
    rng = np.random.default_rng(8)
    ids, photo_ids, vectors, centre = store(rng, size=3000)
    index = FaceIndex(capacity=10)  # default quantiser, no fit: only speed may suffer
    for start in range(0, 3000, 700):
        index.add(ids[start : start + 700], photo_ids[start : start + 700], vectors[start : start + 700])
    moved = vectors[:50] + np.float32(0.01)
    index.upsert(ids[:50], photo_ids[:50], moved)
    vectors = vectors.copy()
    vectors[:50] = moved
    assert index.n == 3000
    for query in queries_for(rng, vectors, centre, count=20):
        assert answer(index.search(query, tolerance=0.6)) == reference(ids, vectors, query, 0.6)
    index.wipe()
    assert index.n == 0 and not index.vectors.any()


def test_empty_index_and_invalid_input():
    index = FaceIndex()
    assert len(index.search(np.zeros(128), tolerance=0.6)) == 0
    assert index.search_batch(np.zeros((3, 128)), tolerance=0.6)[2].ids.size == 0
    with pytest.raises(ValueError, match="128 numbers"):
        as_query(np.zeros(127))
    with pytest.raises(ValueError, match="finite"):
        index.search(np.full(128, np.nan), tolerance=0.6)
    with pytest.raises(ValueError, match="tolerance"):
        index.search(np.zeros(128), tolerance=-0.1)
    with pytest.raises(ValueError, match="finite"):
        index.add([1], [1], np.full((1, 128), np.inf))


def test_brute_force_helper_matches_face_recognition():
    rng = np.random.default_rng(9)
    ids, _photo_ids, vectors, centre = store(rng, size=500)
    query = centre + rng.standard_normal(128) * SIGMA
    assert brute_force(ids, vectors, query, 0.8) == reference(ids, vectors, query, 0.8)


def test_the_compiled_quantiser_equals_its_numpy_twin():
    """Quantizer.encode (kernels.quantize_rows) gives the codes and norms of the numpy
    expressions, and bounds that still cover each row's true residual."""
    rng = np.random.default_rng(5)
    vectors = np.concatenate([rng.normal(0, 0.09, (5000, 128)), rng.normal(0, 5, (200, 128))]).astype(np.float32)
    quantizer = Quantizer.fit(vectors[:1000])
    codes, norms, bounds = quantizer.encode(vectors)
    twin_codes, twin_norms, twin_bounds = quantizer.encode_numpy(vectors)
    np.testing.assert_array_equal(codes, twin_codes)  # including rows clipped at +-127
    np.testing.assert_array_equal(norms, twin_norms)
    assert np.abs(bounds.view(np.int32) - twin_bounds.view(np.int32)).max() <= 1  # at most one float32 ulp
    rotated = vectors.astype(np.float64) @ quantizer.rotation.T
    residual = np.linalg.norm(rotated - (quantizer.offset + quantizer.step * codes), axis=1)
    assert (bounds.astype(np.float64) >= residual).all()


def test_building_from_blocks_equals_building_from_the_whole_array(monkeypatch):
    """A worker's load (FaceIndex.build_from_blocks: rows copied block by block into the index,
    which grows when the expected count was low, then fitted and encoded in place) gives the same
    arrays, bit for bit, as the quantiser fitted on the same sample of the concatenated rows and
    the rows encoded at once; the loader's blocks are zeroed; answers stay the brute force's."""
    import biometrics.search.index as index_module

    monkeypatch.setattr(index_module, "FIT_SAMPLE", 700)  # the sampled fit, on a small store
    monkeypatch.setattr(index_module, "ENCODE_CHUNK", 333)  # several in-place chunks
    rng = np.random.default_rng(8)
    ids, photo_ids, vectors, centre = store(rng, size=3000)
    cuts = [0, 1, 400, 401, 1999, 3000]
    blocks = [(ids[a:b].copy(), photo_ids[a:b].copy(), vectors[a:b].copy()) for a, b in itertools.pairwise(cuts)]
    built = FaceIndex.build_from_blocks(iter(blocks), expected=10, wipe_blocks=True)
    assert built.n == 3000 and built.capacity >= 3000
    assert all(not block[2].any() for block in blocks)
    sample = vectors[np.random.default_rng(0).choice(3000, 700, replace=False)]
    quantizer = Quantizer.fit(sample)
    np.testing.assert_array_equal(built.quantizer.offset, quantizer.offset)
    assert built.quantizer.step == quantizer.step
    codes, norms, bounds = quantizer.encode_numpy(vectors)
    np.testing.assert_array_equal(built.ids[:3000], ids)
    np.testing.assert_array_equal(built.photo_ids[:3000], photo_ids)
    np.testing.assert_array_equal(built.vectors[:3000], vectors)
    np.testing.assert_array_equal(built.codes[:3000], codes)
    np.testing.assert_array_equal(built.norms[:3000], norms)
    assert np.abs(built.bounds[:3000].view(np.int32) - bounds.view(np.int32)).max() <= 1
    whole = FaceIndex.build(ids, photo_ids, vectors)
    for mine, theirs in zip(built._arrays(), whole._arrays(), strict=True):
        np.testing.assert_array_equal(mine[:3000], theirs[:3000])
    for query in queries_for(rng, vectors, centre, count=20):
        assert answer(built.search(query, tolerance=0.6)) == reference(ids, vectors, query, 0.6)
