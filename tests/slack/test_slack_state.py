"""What the Slack adapter's state promises (bot/channels/slack/state.py), on SQLite and on a real
PostgreSQL: each test opens several "instances" (stores with owners of their own) on one
database; the clock is injected, so leases run out without sleeping."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from bot.channels.slack.state import AdapterState
from bot.channels.slack.store import KEEP_SECONDS, PostgresSlackState, SlackStore
from tests.assistant_helpers import Clock

LEASE = 10.0
Open = Callable[[], AdapterState]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgres"])
def instance(request, tmp_path, clock) -> Open:
    """``instance()`` opens the state as one more instance would, on this test's database."""
    opened: list[AdapterState] = []
    if request.param == "postgres":
        from bot.postgres import Database

        url = request.getfixturevalue("postgres_url")

        def make() -> AdapterState:
            db = Database(url, max_size=4)
            request.addfinalizer(db.close)
            return PostgresSlackState(db=db, lease_seconds=LEASE, clock=clock)
    else:
        def make() -> AdapterState:
            return SlackStore(path=tmp_path / "slack.db", lease_seconds=LEASE, clock=clock)

    def opener() -> AdapterState:
        state = make()
        opened.append(state)
        return state

    yield opener
    for state in opened:
        state.close()


def job(text: str = "hello") -> dict:
    return {"kind": "message", "user": "U1", "text": text,
            "place": {"conversation": "dm:U1", "channel": "D1", "thread_ts": None,
                      "private_to": None}}


def test_the_implementations_have_every_method_of_the_protocol(instance):
    assert isinstance(instance(), AdapterState)


def test_jobs_are_numbered_in_their_conversation_and_a_repeat_is_refused_everywhere(instance):
    a, b = instance(), instance()
    assert a.owner != b.owner
    assert a.claim_job("Ev1", "dm:U1", job()) == 1
    assert b.claim_job("Ev2", "dm:U1", job()) == 2
    assert b.claim_job("Ev1", "dm:U1", job()) is None  # the retry, on another instance
    assert a.claim_job("Ev1", "dm:U1", job()) is None
    assert a.claim_job("Ev3", "dm:U1", job()) == 3  # a refused repeat took no number
    assert a.claim_job("Ev4", "dm:U2", job()) == 1  # another conversation counts apart


def test_racing_claims_on_many_instances_are_each_won_once_and_numbered_apart(instance):
    instances = [instance() for _ in range(4)]
    won: list[tuple[str, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(instances))

    def claim_all(state: AdapterState) -> None:
        barrier.wait()
        for n in range(15):  # every instance tries every key: each delivered to all four
            seq = state.claim_job(f"Ev{n}", "dm:U1", job(str(n)))
            if seq is not None:
                with lock:
                    won.append((f"Ev{n}", seq))

    threads = [threading.Thread(target=claim_all, args=(s,)) for s in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(key for key, _ in won) == sorted(f"Ev{n}" for n in range(15))
    numbers = [seq for _, seq in won]
    assert len(set(numbers)) == 15


def test_the_first_unfinished_job_comes_first_until_it_is_finished(instance):
    a, b = instance(), instance()
    a.claim_job("Ev1", "dm:U1", job("one"))
    b.claim_job("Ev2", "dm:U1", job("two"))
    first = b.pending("dm:U1")
    assert first is not None and (first.claim, first.seq, first.owner) == ("Ev1", 1, a.owner)
    assert first.job["text"] == "one" and first.base is None and first.progress == []
    assert a.begin("Ev1", 7, '{"id": "dm:U1"}')
    assert a.advance("Ev1", [["D1", "1.0", True]], done=True)
    second = a.pending("dm:U1")
    assert second is not None and second.claim == "Ev2" and second.owner == b.owner
    assert b.pending("dm:U9") is None


def test_what_a_job_got_to_is_read_back_by_another_instance(instance):
    a, b = instance(), instance()
    a.claim_job("Ev1", "dm:U1", job("キーが通らない"))
    a.begin("Ev1", 3, '{"id": "dm:U1", "lang": "ja"}')
    a.advance("Ev1", [["D1", "1.5", False]])
    seen = b.pending("dm:U1")
    assert seen is not None
    assert (seen.base, seen.progress) == (3, [["D1", "1.5", False]])
    assert seen.before == '{"id": "dm:U1", "lang": "ja"}'
    assert seen.job["text"] == "キーが通らない"


def test_a_live_instances_job_cannot_be_taken_over(instance, clock):
    a, b = instance(), instance()
    a.claim_job("Ev1", "dm:U1", job())
    clock.now += LEASE - 1
    assert not b.take_over("Ev1")
    assert a.renew() == 1  # a lives on: its lease is extended
    clock.now += LEASE - 1
    assert not b.take_over("Ev1")


def test_a_dead_instances_job_is_taken_over_once_and_the_dead_one_can_write_nothing(
        instance, clock):
    dead, b, c = instance(), instance(), instance()
    dead.claim_job("Ev1", "dm:U1", job())
    dead.begin("Ev1", 0, None)
    clock.now += LEASE + 1
    assert [j.claim for j in b.stalled()] == ["Ev1"]
    assert b.take_over("Ev1")
    assert not c.take_over("Ev1")  # b renewed the lease as it took the job
    taken = c.pending("dm:U1")
    assert taken is not None and taken.owner == b.owner and taken.base == 0
    assert taken.before is None
    assert not dead.begin("Ev1", 1, None)
    assert not dead.advance("Ev1", [], done=True)
    assert b.advance("Ev1", [], done=True)
    assert c.pending("dm:U1") is None


def test_a_stopping_instance_hands_its_jobs_over_at_once(instance):
    a, b = instance(), instance()
    a.claim_job("Ev1", "dm:U1", job())
    a.claim_job("Ev2", "dm:U2", job())
    assert a.release() == 2
    assert b.take_over("Ev1") and b.take_over("Ev2")


def test_stalled_lists_expired_jobs_and_the_instances_own(instance, clock):
    a, b = instance(), instance()
    a.claim_job("Ev1", "dm:U1", job())
    b.claim_job("Ev2", "dm:U2", job())
    assert [j.claim for j in a.stalled()] == ["Ev1"]
    clock.now += LEASE + 1
    assert [j.claim for j in a.stalled()] == ["Ev1", "Ev2"]
    b.advance("Ev2", [], done=True)
    assert [j.claim for j in a.stalled()] == ["Ev1"]


def test_firsts_gives_each_conversations_first_unfinished_job(instance):
    a = instance()
    a.claim_job("Ev1", "dm:U1", job())
    a.claim_job("Ev2", "dm:U1", job())
    a.claim_job("Ev3", "dm:U2", job())
    a.advance("Ev3", [], done=True)
    a.claim_job("Ev4", "dm:U2", job())
    firsts = a.firsts(["dm:U1", "dm:U2", "dm:U3"])
    assert {c: j.claim for c, j in firsts.items()} == {"dm:U1": "Ev1", "dm:U2": "Ev4"}


def test_other_events_are_delivered_once_across_instances(instance):
    a, b = instance(), instance()
    assert a.first_delivery("EvR")
    assert not b.first_delivery("EvR")
    assert not a.first_delivery("EvR")


def test_language_choices_and_followed_threads_are_shared(instance):
    a, b = instance(), instance()
    assert b.chosen_lang("U1") is None
    a.remember_lang("U1", "ja")
    assert b.chosen_lang("U1") == "ja"
    b.remember_lang("U1", "en")
    assert a.chosen_lang("U1") == "en"
    assert not b.follows_thread("thread:C1:1.0")
    a.follow_thread("thread:C1:1.0")
    a.follow_thread("thread:C1:1.0")
    assert b.follows_thread("thread:C1:1.0")


def test_a_draft_is_taken_once_even_by_two_instances_at_once(instance):
    a, b = instance(), instance()
    draft = a.save_draft(channel="C1", thread_ts="1.0", text="返信")
    barrier = threading.Barrier(2)
    taken: list[object] = []

    def take(state: AdapterState) -> None:
        barrier.wait()
        taken.append(state.take_draft(draft))

    threads = [threading.Thread(target=take, args=(s,)) for s in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken, key=repr) == [("C1", "1.0", "返信"), None]
    b.restore_draft(draft, channel="C1", thread_ts="1.0", text="返信")  # posting failed
    assert a.take_draft(draft) == ("C1", "1.0", "返信")


def test_prune_forgets_old_finished_work_but_never_a_conversations_numbering_in_use(
        instance, clock):
    a = instance()
    a.first_delivery("EvOld")
    a.claim_job("Ev1", "dm:U1", job())
    a.advance("Ev1", [], done=True)
    a.claim_job("Ev2", "dm:U2", job())  # still pending
    clock.now += KEEP_SECONDS + 1
    a.prune()
    assert a.first_delivery("EvOld")  # forgotten
    assert a.claim_job("Ev1", "dm:U1", job()) == 1  # its conversation numbered afresh
    assert a.claim_job("Ev3", "dm:U2", job()) == 2  # behind the pending one, not before it
