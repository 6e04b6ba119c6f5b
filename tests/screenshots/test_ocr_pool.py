"""The OCR pool: a fixed number of workers, a short queue, "busy" at once beyond it."""

from __future__ import annotations

import threading

import pytest

from bot.understand.image.limits import Limits, Refused
from bot.understand.image.ocr import Ocr
from bot.understand.image.pool import BoundedPool, Busy
from bot.understand.image.read import ScreenshotReader
from bot.understand.recognise import Recogniser

WAIT = 30  # seconds: a bound for a hung test, never a synchronisation


def blocker(started: threading.Event, release: threading.Event):
    def job() -> str:
        started.set()
        assert release.wait(WAIT)
        return "done"
    return job


def test_jobs_beyond_the_workers_and_the_queue_are_refused_at_once() -> None:
    pool = BoundedPool(workers=1, queue=1)
    started, release = threading.Event(), threading.Event()
    try:
        running = pool.submit(blocker(started, release))
        assert started.wait(WAIT)
        queued = pool.submit(lambda: "queued")
        with pytest.raises(Busy):
            pool.submit(lambda: "one too many")
        assert not queued.done()  # it waits for the one worker
        release.set()
        assert running.result(WAIT) == "done" and queued.result(WAIT) == "queued"
        # the slots are free again once the jobs are done
        assert pool.submit(lambda: "again").result(WAIT) == "again"
    finally:
        release.set()
        pool.shutdown()


def test_a_failed_job_frees_its_slot() -> None:
    pool = BoundedPool(workers=1, queue=0)
    try:
        def fail() -> None:
            raise Refused("unreadable")
        with pytest.raises(Refused):
            pool.submit(fail).result(WAIT)
        assert pool.submit(lambda: 1).result(WAIT) == 1
    finally:
        pool.shutdown()


def test_jobs_run_on_the_pool_threads_not_the_callers() -> None:
    pool = BoundedPool(workers=2, queue=0, name="keyhelp-ocr-test")
    try:
        names = {pool.submit(lambda: threading.current_thread().name).result(WAIT)
                 for _ in range(3)}
        assert names and all(n.startswith("keyhelp-ocr-test") for n in names)
    finally:
        pool.shutdown()


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError):
        BoundedPool(workers=0, queue=3)


def test_a_busy_reader_answers_busy_without_waiting_for_the_image_being_read(
        recogniser: Recogniser) -> None:
    # the reader is never reached past the pool here, so no Tesseract model is needed
    ocr = Ocr.__new__(Ocr)
    pool = BoundedPool(workers=1, queue=0)
    reader = ScreenshotReader(ocr=ocr, pool=pool, limits=Limits(max_bytes=100))
    started, release = threading.Event(), threading.Event()
    try:
        pool.submit(blocker(started, release))
        assert started.wait(WAIT)
        with pytest.raises(Busy):
            reader.submit(b"\x89PNG", recogniser)
        with pytest.raises(Refused) as refused:  # the size is checked before queueing
            reader.submit(b"x" * 101, recogniser)
        assert refused.value.reason == "too-large"
    finally:
        release.set()
        pool.shutdown()
