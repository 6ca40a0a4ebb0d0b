"""A process's writing transactions on one SQLite database take turns (infra/db.py): first come first served,
every turn given back on commit, rollback or a dropped connection, and nothing lost or doubled under
concurrent writers."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from infra.db import READ_ONLY, Database, _WriterTurns, open_database, writer_turns


def test_turns_are_handed_over_in_the_order_they_were_asked_for():
    turns, order = _WriterTurns(timeout=30), []
    first = object()
    turns.take(first)
    waiting = [object() for _ in range(5)]
    threads = []
    for connection in waiting:
        asked = threading.Event()

        def writer(connection: object = connection, asked: threading.Event = asked) -> None:
            asked.set()
            turns.take(connection)
            order.append(connection)
            turns.give_back(connection)

        thread = threading.Thread(target=writer)
        thread.start()
        asked.wait()
        while len(turns._waiting) < len(threads) + 1:  # this writer is queued before the next one asks
            threading.Event().wait(0.001)
        threads.append(thread)
    turns.give_back(first)
    for thread in threads:
        thread.join()
    assert order == waiting
    assert not turns._busy and turns._holder is None


def test_only_the_holder_gives_its_turn_back():
    turns = _WriterTurns(timeout=30)
    holder, other = object(), object()
    turns.take(holder)
    turns.give_back(other)
    assert turns._busy and turns._holder is holder
    turns.give_back(holder)
    assert not turns._busy


def test_a_writer_that_waits_longer_than_the_timeout_goes_on_without_a_turn():
    turns = _WriterTurns(timeout=0.01)
    holder, late = object(), object()
    turns.take(holder)
    turns.take(late)  # SQLite's own busy timeout decides from here, as before
    assert turns._holder is holder and not turns._waiting
    turns.give_back(late)
    assert turns._holder is holder
    turns.give_back(holder)
    assert not turns._busy


def _engine_turns(db: Database) -> _WriterTurns:
    turns = writer_turns(db.engine)
    assert turns is not None
    return turns


@pytest.mark.parametrize("ending", ["commit", "rollback", "error", "invalidate"])
def test_every_way_a_transaction_ends_gives_its_turn_back(tmp_path: Path, ending: str):
    db = open_database(f"sqlite:///{tmp_path / 'turns.db'}")
    try:
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (i INTEGER PRIMARY KEY)"))
        turns = _engine_turns(db)
        conn = db.engine.connect()
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert turns._busy
        if ending == "commit":
            conn.commit()
        elif ending == "rollback":
            conn.rollback()
        elif ending == "error":
            with pytest.raises(IntegrityError):
                conn.execute(text("INSERT INTO t VALUES (1), (1)"))
            conn.rollback()
        else:
            conn.invalidate()
        assert not turns._busy
        conn.close()
        with db.engine.connect().execution_options(**READ_ONLY) as reader:  # a reader takes no turn
            reader.execute(text("SELECT count(*) FROM t")).scalar_one()
            assert not turns._busy
        assert not turns._busy
    finally:
        db.dispose()


def test_concurrent_writers_all_commit_once_and_failed_ones_roll_back(tmp_path: Path):
    db = open_database(f"sqlite:///{tmp_path / 'writers.db'}")
    try:
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (i INTEGER PRIMARY KEY)"))

        def write(i: int) -> None:
            try:
                with db.engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
                    if i % 5 == 0:
                        raise ValueError("rolled back")
            except ValueError:
                pass

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(write, range(400)))
        with db.engine.connect() as conn:
            stored = {row[0] for row in conn.execute(text("SELECT i FROM t"))}
        assert stored == {i for i in range(400) if i % 5}
        assert not _engine_turns(db)._busy
    finally:
        db.dispose()
