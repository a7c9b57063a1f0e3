"""Run by `test_gc_crash.py` in a subprocess: comment on a request that already has many comments,
one unit of work per comment, then the request's comments read, the way its page does.

On CPython 3.11 without `core.db.keep_instances_alive_while_attached` this died with SIGSEGV within
a few calls (docs/cpython-311-gc-crash.md). Usage: `python -m tests.core.gc_crash_reproducer URL
REQUEST_ID CALLS`; prints the number of comments added.
"""

from __future__ import annotations

import faulthandler
import sys

from liaison.core.db import make_engine, unit_of_work
from liaison.core.security.policy import SystemActor
from liaison.requests import service

OFFICER = SystemActor(username="officer.one", role="officer", unit="international-cooperation")


def main(url: str, request_id: int, calls: int) -> None:
    faulthandler.enable()
    engine = make_engine(url)
    for number in range(calls):
        with unit_of_work(engine) as session:
            comment = service.add_comment(session, OFFICER, request_id, f"follow-up {number}")
            # and show the request again, as its page does after a comment: the lazy load of every
            # comment is where the collector crashed (add_comment itself no longer loads them)
            assert comment in comment.request.comments
    engine.dispose()
    print(calls)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
