"""Claim race across processes: P workers, each in its own process with its own connection, claim the
same M open jobs at once (a barrier before every job) on a temporary database.

Prints one line: attempts=N winners=N double_claims=N elapsed_s=X
double_claims counts jobs with more than one winning claim, or whose stored worker is not the one winner.
Exits 1 if double_claims > 0, or (with a note on stderr) if anything but AlreadyTaken escaped a claim.

    .venv/bin/python bench/claim_race.py [--processes 8] [--jobs 50]
"""

import argparse
import multiprocessing
import pathlib
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.common import CENTER, community_with_poster, person  # noqa: E402
from demo import samples  # noqa: E402
from services import db as database
from services import jobs, users, workers
from services.errors import AlreadyTaken

BARRIER_TIMEOUT_S = 60


def set_up(path: pathlib.Path, processes: int, job_count: int, now: datetime) -> tuple[list[int], list[int]]:
    """A community, a poster, `processes` verified workers and `job_count` open jobs. Returns (workers, jobs)."""
    db = database.connect(path)
    try:
        organizer, poster = community_with_poster(db, name="Bench Court", radius_km=3, now=now)
        worker_ids = []
        for i in range(processes):
            worker = person(db, f"worker{i}", f"Worker {i}", now)
            workers.set_taking_jobs(db, worker, taking_jobs=True, categories=["parcel"], now=now)
            samples.verify(db, organizer, users.get(db, worker["id"]), now)
            worker_ids.append(worker["id"])
        job_ids = [
            jobs.post(
                db,
                poster,
                title=f"Parcel {i}",
                description="Pick up a parcel at the gate.",
                category="parcel",
                price_yuan="10",
                window_start=now,
                window_end=now + timedelta(hours=4),
                lat=CENTER[0],
                lon=CENTER[1],
                now=now,
            )
            for i in range(job_count)
        ]
        return worker_ids, job_ids
    finally:
        db.conn.close()


def claimer(path, worker_id, job_ids, now, ready, barrier, results):
    """One process: its own connection; for each job, wait for everyone, then claim. Reports outcomes."""
    db = database.connect(path)
    outcomes = []
    try:
        worker = users.get(db, worker_id)
        ready.wait()
        for job_id in job_ids:
            barrier.wait()
            try:
                jobs.act(db, job_id, "claim", worker, now=now)
                outcomes.append((job_id, "won"))
            except AlreadyTaken:
                outcomes.append((job_id, "taken"))
            except Exception as error:  # noqa: BLE001 - reported to the parent, which fails the run
                outcomes.append((job_id, repr(error)))
    finally:
        db.conn.close()
        results.put((worker_id, outcomes))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=50)
    args = parser.parse_args(argv)
    now = datetime.now(UTC).replace(microsecond=0)
    context = multiprocessing.get_context("spawn")  # no connection or lock state inherited by a fork

    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "bench.db"
        worker_ids, job_ids = set_up(path, args.processes, args.jobs, now)
        # `ready` also waits for this process, so the clock starts once every claimer is connected.
        ready = context.Barrier(args.processes + 1, timeout=BARRIER_TIMEOUT_S)
        barrier = context.Barrier(args.processes, timeout=BARRIER_TIMEOUT_S)
        results = context.Queue()
        procs = [
            context.Process(target=claimer, args=(path, worker_id, job_ids, now, ready, barrier, results))
            for worker_id in worker_ids
        ]
        for proc in procs:
            proc.start()
        ready.wait()
        started = time.perf_counter()
        reports = [results.get(timeout=BARRIER_TIMEOUT_S * (args.jobs + 1)) for _ in procs]
        for proc in procs:
            proc.join()
        elapsed = time.perf_counter() - started

        winners_by_job = {job_id: [] for job_id in job_ids}
        errors = []
        for worker_id, outcomes in reports:
            for job_id, outcome in outcomes:
                if outcome == "won":
                    winners_by_job[job_id].append(worker_id)
                elif outcome != "taken":
                    errors.append(outcome)
        db = database.connect(path)
        try:
            stored = {row["id"]: row["worker_id"] for row in db.query("SELECT id, worker_id FROM jobs")}
        finally:
            db.conn.close()

    attempts = sum(len(outcomes) for _, outcomes in reports)
    winners = sum(len(w) for w in winners_by_job.values())
    double_claims = sum(
        1 for job_id, w in winners_by_job.items() if len(w) > 1 or (len(w) == 1 and stored[job_id] != w[0])
    )
    print(f"attempts={attempts} winners={winners} double_claims={double_claims} elapsed_s={elapsed:.3f}")
    if errors:
        sys.stderr.write(f"{len(errors)} claims failed with something other than AlreadyTaken: {errors[:3]}\n")
    return 1 if double_claims or errors or any(proc.exitcode for proc in procs) else 0


if __name__ == "__main__":
    sys.exit(main())
