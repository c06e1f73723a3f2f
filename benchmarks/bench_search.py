"""Document search latency: p50/p99 per retrieval mode on a 10,000-chunk collection in the simulator.

``agentrt sim --index-delay-ms 0`` runs in its own process. One collection (chunks of
``--chunk-chars`` characters, no overlap) gets documents whose chunking yields exactly
``--chunks`` chunks in all (10,000 by default; checked against the documents' chunk
counts the simulator reports). Words are pseudo-words made from a syllable list
(seeded), drawn with a Zipf-like frequency, so a query of one to three of them hits a
few, many or no chunks, as real queries do.

Two clients, each in a process of its own that stays up for the whole run (so neither
pays the other's imports, and connections stay warm): xai-sdk unchanged
(``AsyncClient.collections.search(query, [cid], retrieval_mode=MODE)``, its credentials
path as api.x.ai users get it) and agentrt (``client.documents.search(query,
collection_ids=[cid], mode=MODE)``; measured only if the installed agentrt has that
``mode`` argument). Cases (client x mode: keyword, semantic, hybrid) are interleaved;
each sample sends ``--queries`` searches one after another, the same queries to every
client in a round and new ones each round. Reported: the median over rounds of each
sample's p50 and p99, and the simulator's CPU time per search (its process's CPU over
the sample, from /proc, divided by the searches: ranking plus its gRPC server).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from benchmarks.harness import interleave, median, write_results
from tests.conftest import running_sim

MODES = ("keyword", "semantic", "hybrid")
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["an", "er", "is", "or"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    """``size`` distinct pseudo-words of two to four syllables (rank order = frequency order)."""
    words: dict[str, None] = {}
    while len(words) < size:
        words["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


def _zipf_weights(size: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(size)]


def _text(rng: random.Random, words: list[str], weights: list[float], chars: int) -> str:
    out: list[str] = []
    length = 0
    while length < chars:
        batch = rng.choices(words, weights, k=64)
        out += batch
        length += sum(len(w) + 1 for w in batch)
    return " ".join(out)[:chars]


def documents(seed: int, chunks: int, chunk_chars: int, per_doc: int) -> list[tuple[str, bytes]]:
    """Documents whose chunking (the simulator's own ``chunk_text``) yields ``chunks`` in all."""
    from agentrt.sim.retrieval import chunk_text

    rng = random.Random(seed)
    words = vocabulary(rng, 5_000)
    weights = _zipf_weights(len(words))
    docs: list[tuple[str, bytes]] = []
    left = chunks
    while left > 0:
        text = _text(rng, words, weights, chunk_chars * (per_doc + 2))
        pieces = chunk_text(text, chunk_chars, 0, False)[:left]
        text = "".join(pieces)  # contiguous pieces: the prefix chunks the same way
        if len(chunk_text(text, chunk_chars, 0, False)) != len(pieces):
            continue
        docs.append((f"doc-{len(docs):04d}.txt", text.encode()))
        left -= len(pieces)
    return docs


def queries(seed: int, count: int) -> list[str]:
    """``count`` queries of one to three words, mostly from the middle of the frequency list."""
    rng = random.Random(seed)
    words = vocabulary(random.Random(0), 5_000)  # the documents' vocabulary (same seed)
    return [
        " ".join(words[min(int(rng.paretovariate(0.7) * 20), len(words) - 1)] for _ in range(n))
        for n in (rng.randint(1, 3) for _ in range(count))
    ]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def agentrt_has_search_mode() -> bool:
    """Whether this agentrt's ``Documents.search`` takes ``mode=`` (issue 17's client)."""
    from agentrt.xai.services import Documents

    return "mode" in inspect.signature(Documents.search).parameters


# The worker processes: one per client, driven over stdin/stdout, one JSON line each way.


async def _xai_sdk_worker(address: str, cid: str, lines: IO[str], out: IO[str]) -> None:
    from xai_sdk import AsyncClient

    host = f"localhost:{address.rpartition(':')[2]}"  # local channel credentials, as in the tests
    client = AsyncClient(api_key="bench", api_host=host, management_api_host=host, timeout=60)

    async def one(query: str, mode: str) -> None:
        await client.collections.search(query, [cid], retrieval_mode=mode)  # type: ignore[arg-type,unused-ignore]

    await _serve_requests(one, lines, out)
    await client.close()


async def _agentrt_worker(address: str, cid: str, lines: IO[str], out: IO[str]) -> None:
    from agentrt.xai.client import Client

    async with Client(api_key="bench", endpoint=address) as client:

        async def one(query: str, mode: str) -> None:
            search: Any = client.documents.search
            await search(query, collection_ids=[cid], mode=mode)

        await _serve_requests(one, lines, out)


async def _serve_requests(one: Callable[[str, str], Any], lines: IO[str], out: IO[str]) -> None:
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, lines.readline):
        request = json.loads(line)
        latencies = []
        for query in request["queries"]:
            start = time.perf_counter()
            await one(query, request["mode"])
            latencies.append(time.perf_counter() - start)
        out.write(json.dumps({"latencies": latencies}) + "\n")
        out.flush()


class Worker:
    """A client process: sends it a mode and queries, gets back each search's latency."""

    def __init__(self, client: str, address: str, cid: str) -> None:
        cmd = [sys.executable, "-m", "benchmarks.bench_search", "--worker", client]
        self.proc = subprocess.Popen(
            [*cmd, "--address", address, "--collection", cid],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )

    def search(self, mode: str, batch: list[str]) -> list[float]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"mode": mode, "queries": batch}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"search worker exited ({self.proc.wait()})")
        return list(json.loads(line)["latencies"])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    """CPU time of every thread of process ``pid`` (``schedstat``: ns, unlike /proc's ticks)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return total / 1e9


class Case:
    """One (client, mode) case: a sample is one batch of searches; its figure the p50 in ms.

    The n-th sample of every case with the same mode sends the same queries (seeded by n
    and the mode), so the clients of a round get the same ones and each round new ones.
    """

    def __init__(self, worker: Worker, mode: str, count: int, pid: int):
        self.worker, self.mode, self.count, self.pid = worker, mode, count, pid
        self.calls = 0
        self.p99: list[float] = []
        self.sim_cpu_ms: list[float] = []

    def __call__(self) -> float:
        batch = queries(1_000 + 10 * self.calls + MODES.index(self.mode), self.count)
        self.calls += 1
        cpu = _cpu_seconds(self.pid)
        latencies = self.worker.search(self.mode, batch)
        self.sim_cpu_ms.append((_cpu_seconds(self.pid) - cpu) * 1000 / len(batch))
        self.p99.append(percentile(latencies, 0.99) * 1000)
        return percentile(latencies, 0.50) * 1000


async def build_collection(
    address: str, docs: list[tuple[str, bytes]], chunk_chars: int
) -> tuple[str, int]:
    """Create the collection with xai-sdk, upload ``docs``; (its id, its chunks in all)."""
    from xai_sdk import AsyncClient

    host = f"localhost:{address.rpartition(':')[2]}"
    client = AsyncClient(
        api_key="bench", management_api_key="bench", api_host=host, management_api_host=host
    )
    config = {
        "chars_configuration": {"max_chunk_size_chars": chunk_chars, "chunk_overlap_chars": 0}
    }
    cid: str = (await client.collections.create("bench", chunk_configuration=config)).collection_id
    total = 0
    for name, data in docs:
        doc = await client.collections.upload_document(cid, name, data, wait_for_indexing=True)
        total += doc.chunk_count
    await client.close()
    print(f"collection: {len(docs)} documents, {total:,} chunks (the simulator's count)")
    return cid, total


def _tables(cases: dict[str, Case], samples: dict[str, list[float]]) -> str:
    rows = [
        "| case | p50 ms | p99 ms | sim CPU ms per search | n |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, case in cases.items():
        rows.append(
            f"| {name} | {median(samples[name]):.2f} | {median(case.p99):.2f} | "
            f"{median(case.sim_cpu_ms):.2f} | {len(samples[name])} |"
        )
    return "\n".join(rows)


def _ratios(samples: dict[str, list[float]], cases: dict[str, Case]) -> dict[str, dict[str, float]]:
    """agentrt / xai-sdk latency per mode: medians of same-round ratios of p50 and of p99."""
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        a, x = f"agentrt {mode}", f"xai-sdk {mode}"
        if a not in cases:
            continue
        p50 = [s / t for s, t in zip(samples[a], samples[x], strict=True)]
        p99 = [s / t for s, t in zip(cases[a].p99, cases[x].p99, strict=True)]
        out[mode] = {"p50": median(p50), "p99": median(p99)}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--queries", type=int, default=100, help="searches per sample")
    parser.add_argument("--chunks", type=int, default=10_000, help="chunks in the collection")
    parser.add_argument("--chunk-chars", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--worker", choices=("agentrt", "xai-sdk"), help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    parser.add_argument("--collection", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker = _agentrt_worker if args.worker == "agentrt" else _xai_sdk_worker
        asyncio.run(worker(args.address, args.collection, sys.stdin, sys.stdout))
        return
    rounds, count, chunks = (
        (1, 10, 1_000) if args.quick else (args.rounds, args.queries, args.chunks)
    )
    docs = documents(7, chunks, args.chunk_chars, per_doc=100)
    clients = ["xai-sdk"] + (["agentrt"] if agentrt_has_search_mode() else [])
    if len(clients) == 1:
        print("agentrt's documents.search has no mode= yet (issue 17's client): xai-sdk only")
    with ExitStack() as stack:
        sim = stack.enter_context(running_sim("--index-delay-ms", "0"))
        cid, total = asyncio.run(build_collection(sim.address, docs, args.chunk_chars))
        if total != chunks:
            raise RuntimeError(f"the collection has {total} chunks, not {chunks}")
        workers = {c: Worker(c, sim.address, cid) for c in clients}
        for w in workers.values():
            stack.callback(w.close)
        pid = sim.process.pid
        cases = {f"{c} {m}": Case(workers[c], m, count, pid) for m in MODES for c in clients}
        samples = interleave(cases, rounds)
    for case in cases.values():
        del case.p99[0], case.sim_cpu_ms[0]  # the warm-up round
    print(f"\nSearch latency, {chunks:,}-chunk collection, {count} searches per sample:\n")
    print(_tables(cases, samples))
    ratios = _ratios(samples, cases)
    for mode, r in ratios.items():
        print(f"agentrt / xai-sdk latency, {mode}: p50 {r['p50']:.2f}x, p99 {r['p99']:.2f}x")
    out = {
        "chunks": chunks,
        "documents": len(docs),
        "searches_per_sample": count,
        "p50_ms": samples,
        "p99_ms": {n: c.p99 for n, c in cases.items()},
        "sim_cpu_ms_per_search": {n: c.sim_cpu_ms for n, c in cases.items()},
        "agentrt_vs_xai_sdk": ratios,
    }
    write_results("search", out)


if __name__ == "__main__":
    main()
