"""Exact against approximate nearest-neighbour search in a catalogue of unit vectors.

A streaming service's catalogue has millions of tracks; comparing a query with
every embedding (exact search) costs time proportional to the catalogue. An
approximate index answers in far less time and misses a few true neighbours.
This script measures both on random unit vectors (the shape of the book's
style embeddings, 16 dimensions by default):

* exact search: NumPy (one matrix product per batch of queries), and faiss's
  ``IndexFlatL2`` :cite:p:`johnson2021billion`;
* approximate search: faiss's HNSW graph index :cite:p:`malkov2020efficient`
  at several ``efSearch`` settings (how much of the graph a query visits).

It prints the build time, the query time per query and recall@10 (the fraction
of the exact 10 nearest neighbours the index returns). Random vectors are the
hard case for an index: real embeddings form clusters.

Usage (from the repository root; faiss-cpu is the ``bench`` extra):

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python benchmarks/similarity_search.py [--n 100000] [--dim 16] [--queries 1000]
"""

import argparse
import sys
import time

import numpy as np


def unit_vectors(n, dim, rng):
    x = rng.standard_normal((n, dim)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def exact_numpy(catalogue, queries, k, batch=256):
    out = []
    sq = (catalogue ** 2).sum(1)
    for i in range(0, len(queries), batch):
        q = queries[i:i + batch]
        d = sq[None, :] - 2 * q @ catalogue.T
        idx = np.argpartition(d, k, axis=1)[:, :k]
        order = np.take_along_axis(d, idx, 1).argsort(1)
        out.append(np.take_along_axis(idx, order, 1))
    return np.concatenate(out)


def recall_at_k(found, truth):
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="catalogue size")
    parser.add_argument("--dim", type=int, default=16, help="embedding dimension")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        import faiss
    except ImportError:
        sys.exit("faiss is not installed: .venv/bin/pip install -e '.[bench]'")

    rng = np.random.default_rng(args.seed)
    catalogue, queries = unit_vectors(args.n, args.dim, rng), unit_vectors(args.queries, args.dim, rng)
    print(f"{args.n} unit vectors of {args.dim} dimensions, {args.queries} queries, k = {args.k}, "
          f"{faiss.omp_get_max_threads()} threads")
    print(f"{'method':40s} {'build s':>8s} {'ms/query':>9s} {'recall@10':>9s}")

    start = time.perf_counter()
    truth = exact_numpy(catalogue, queries, args.k)
    t = time.perf_counter() - start
    print(f"{'exact, NumPy':40s} {0.0:8.2f} {1000 * t / args.queries:9.3f} {1.0:9.3f}")

    start = time.perf_counter()
    flat = faiss.IndexFlatL2(args.dim)
    flat.add(catalogue)
    build = time.perf_counter() - start
    start = time.perf_counter()
    _, found = flat.search(queries, args.k)
    t = time.perf_counter() - start
    print(f"{'exact, faiss IndexFlatL2':40s} {build:8.2f} {1000 * t / args.queries:9.3f} "
          f"{recall_at_k(found, truth):9.3f}")

    start = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(args.dim, 32)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(catalogue)
    build = time.perf_counter() - start
    for ef in (16, 32, 64, 128, 256):
        hnsw.hnsw.efSearch = ef
        start = time.perf_counter()
        _, found = hnsw.search(queries, args.k)
        t = time.perf_counter() - start
        print(f"{f'approximate, faiss HNSW (efSearch {ef})':40s} {build:8.2f} {1000 * t / args.queries:9.3f} "
              f"{recall_at_k(found, truth):9.3f}")


if __name__ == "__main__":
    main()
