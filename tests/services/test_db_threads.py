"""A session's connection used by two threads at once (a button's callback on the new run's thread
while the interrupted run still finishes): each thread's write is its own transaction."""

import threading

from services import ledger


def test_two_threads_writing_on_one_connection_each_commit_their_own_transfers(db, people, now):
    organizer, poster = people["organizer"], people["poster"]
    before = db["transfers"].count
    failures = []

    def top_ups(thread: int) -> None:
        try:
            for i in range(150):
                ledger.top_up(db, organizer, poster["id"], "1", key=f"thread-{thread}-{i}", again=True, now=now)
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            failures.append(repr(error))

    threads = [threading.Thread(target=top_ups, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert not db.conn.in_transaction
    assert db["transfers"].count == before + 300
    assert ledger.check_books(db) == []
