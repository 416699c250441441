"""Writers for the crash test, forked from a warm *zygote*: each costs milliseconds, not a Python start.

The zygote imports csvc and loads the instruments, but never opens the store: each forked writer opens its own
connection after the fork. For each line ``SEED LOGFILE`` on stdin the zygote forks a writer and prints its
pid. A writer appends one line to LOGFILE after each committed logical transaction, until it is killed.
"""

from __future__ import annotations

import os
import random
import signal
import sys
from typing import TextIO

from csvc_core.framework import Csvc
from csvc_core.store import cases, followup

EVENTS = ("new_incident", "separation", "partner_release", "breach_of_conditions")
GRID_ITEMS = ("violence_history", "separation", "stalking", "strangulation", "homicide_plan", "no_way_out")


def write_forever(url: str, user: str, passphrase: str, seed: int, log: TextIO) -> None:
    from csvc_core.store import open_store

    rng = random.Random(seed)  # synthetic workload only, never a security value
    session = open_store(url, csvc=Csvc.load()).unlock(user, passphrase)
    print("ready", file=log, flush=True)
    case_ids = [summary.id for summary in session.run(cases.list_cases, limit=20)]
    while True:
        step = rng.random()
        if not case_ids or step < 0.2:
            case_ids.append(session.run(cases.new_case, f"Dossier synthétique {rng.randrange(10**6)}"))
            print("case", case_ids[-1], file=log, flush=True)
        elif step < 0.75:
            answers = {item: rng.choice(("yes", "no", "unknown")) for item in GRID_ITEMS}
            stored = session.assess(rng.choice(case_ids), "csvc-grid", {"answers": answers})
            print("assessment", stored.id, file=log, flush=True)
        elif step < 0.9:
            opened = session.run(followup.list_actions, limit=5)
            if opened:
                action = rng.choice(opened)
                session.run(followup.set_action_status, action.id, "done", note="Fait (note synthétique)")
                print("action", action.id, file=log, flush=True)
        else:
            event_id = session.run(
                cases.record_event, rng.choice(case_ids), rng.choice(EVENTS), note="Événement synthétique"
            )
            print("event", event_id, file=log, flush=True)


def zygote(url: str, user: str, passphrase: str) -> None:
    from csvc_core.framework import Csvc
    from csvc_core.store import session as _  # noqa: F401  (import everything before forking)

    assert Csvc.load().instrument("csvc-grid")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed writers are reaped at once
    print("ready", flush=True)
    for line in sys.stdin:
        seed, log_path = line.split()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                with open(log_path, "a", encoding="utf-8") as log:
                    write_forever(url, user, passphrase, int(seed), log)
            finally:
                os._exit(3)
        print(pid, flush=True)


if __name__ == "__main__":
    zygote(sys.argv[1], sys.argv[2], sys.argv[3])
