"""agentrt's listeners on Locust's events: sessions on workers, the merge and report on the master.

Registered on import (on Locust's global ``events``, the ones ``locust -f`` uses):

- command-line options ``--agentrt-json/-csv/-html/-records`` (where the master writes
  agentrt's report) and ``--agentrt-dump DIR`` (each worker also writes its own final
  share there, to check the merge against);
- on a worker (or a lone local process): a :class:`~agentrt.load.locust.session.Session`
  from ``test_start`` to ``test_stop``, and a share message every
  :data:`~agentrt.load.locust.shares.SHARE_EVERY` seconds and at the end;
- on the master: the :class:`~agentrt.load.locust.shares.ShareBook`. It takes over
  ``--run-time``: when the time is up it stops the workers (waiting for their final
  shares), writes the report, and only then quits — Locust's own ``--run-time`` would
  quit before the workers' last messages arrive.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import events
from locust.runners import MasterRunner, WorkerRunner

from agentrt.errors import AgentrtError, UsageError
from agentrt.load.locust.session import Session
from agentrt.load.locust.shares import MESSAGE, SHARE_EVERY, ShareBook
from agentrt.load.plan import LoadPlan

__all__ = ["plan_of", "session_of"]

log = logging.getLogger("agentrt.load.locust")
_OUTPUTS = ("json", "csv", "html", "records")
_FINAL_SHARE_WAIT = 5.0  # seconds the master waits for the workers' final shares after stop


class _State:
    """agentrt's state in one Locust process."""

    def __init__(self) -> None:
        self.session: Session | None = None
        self.sender: Any = None
        self.book: ShareBook | None = None
        self.duration: float | None = None
        self.reported = False


def _state(environment: Any) -> _State:
    state = getattr(environment, "agentrt_state", None)
    if state is None:
        state = _State()
        environment.agentrt_state = state
    return state


def plan_of(environment: Any) -> LoadPlan:
    """The plan of the test's first :class:`~agentrt.load.locust.user.GrokUser` class."""
    for cls in environment.user_classes:
        plan = getattr(cls, "plan", None)
        if isinstance(plan, LoadPlan):
            return plan
    raise UsageError("no GrokUser class with a plan in the locustfile")


def session_of(environment: Any) -> Session:
    """This process's running session (between ``test_start`` and ``test_stop``)."""
    session = _state(environment).session
    if session is None:
        raise UsageError("agentrt's session is not running (the test has not started)")
    return session


def _options(parser: Any, **_: Any) -> None:
    for name in _OUTPUTS:
        parser.add_argument(
            f"--agentrt-{name}",
            metavar="PATH",
            default=None,
            include_in_web_ui=False,
            help=f"the master writes agentrt's report here ({name}, as agentrt load --{name})",
        )
    parser.add_argument(
        "--agentrt-dump",
        metavar="DIR",
        default=None,
        include_in_web_ui=False,
        help="each worker writes its own final share to DIR/<worker>.json",
    )


def _init(environment: Any, runner: Any = None, **_: Any) -> None:
    state = _state(environment)
    options = environment.parsed_options
    if isinstance(runner, MasterRunner):
        runner.register_message(MESSAGE, lambda msg, **_: _take(state, msg.data))
    if options is not None and not isinstance(runner, WorkerRunner) and options.run_time:
        state.duration, options.run_time = float(options.run_time), None


def _take(state: _State, data: Any) -> None:
    """One share message, on the master; a malformed one is logged, not fatal."""
    try:
        _book(state).add(data)
    except UsageError as exc:
        log.warning("%s", exc)


def _book(state: _State) -> ShareBook:
    if state.book is None:
        state.book = ShareBook()
    return state.book


def _start(environment: Any, **_: Any) -> None:
    state, runner = _state(environment), environment.runner
    state.reported = False
    if isinstance(runner, MasterRunner):
        state.book = ShareBook()
        state.book.expected = runner.worker_count
        state.book.names = [str(w.id) for w in runner.clients.values()]
    else:
        _start_session(environment, state, runner)
    if state.duration is not None:
        gevent.spawn_later(state.duration, _finish, environment)


def _start_session(environment: Any, state: _State, runner: Any) -> None:
    """A worker's (or a lone process's) session; a failed start is said once, users stop."""
    worker = runner.client_id if isinstance(runner, WorkerRunner) else "local"
    if not isinstance(runner, WorkerRunner):
        state.book = ShareBook()
        state.book.expected = 1
    try:
        keep = bool(getattr(environment.parsed_options, "agentrt_dump", None))
        state.session = Session(plan_of(environment), environment.events, worker, keep=keep)
    except AgentrtError as exc:  # e.g. the endpoint refuses
        log.error("agentrt: error: %s", exc)
        return
    if isinstance(runner, WorkerRunner):
        state.sender = gevent.spawn(_send_shares, state, runner)


def _send_shares(state: _State, runner: Any) -> None:
    while state.session is not None:
        gevent.sleep(SHARE_EVERY)
        if state.session is not None:
            runner.send_message(MESSAGE, state.session.share(final=False))


def _stop(environment: Any, **_: Any) -> None:
    state, runner = _state(environment), environment.runner
    session, state.session = state.session, None
    if session is None:
        return
    if state.sender is not None:
        state.sender.kill()
    share = session.share(final=True, cpu=session.close())
    if isinstance(runner, WorkerRunner):
        runner.send_message(MESSAGE, share)
    else:
        _book(state).add(share)
    dump = getattr(environment.parsed_options, "agentrt_dump", None)
    if dump:
        whole = {**share, "records": [r.as_dict() for r in session.recorder.records]}
        name = session.worker.replace("/", "_")
        Path(dump, f"{name}.json").write_text(json.dumps(whole), encoding="utf-8")


def _finish(environment: Any) -> None:
    """The run time is up: stop the workers (their final shares arrive), report, quit."""
    runner = environment.runner
    runner.stop()
    # stop() returns once the workers report no users; a worker may still be closing its
    # client then, its final share not yet sent: wait for it (bounded: a dead one never sends)
    book = _state(environment).book
    waited = 0.0
    while book is not None and book.lost() and waited < _FINAL_SHARE_WAIT:
        gevent.sleep(0.05)
        waited += 0.05
    _write_report(environment)
    runner.quit()


def _quitting(environment: Any, **_: Any) -> None:
    """Stopped otherwise (Ctrl-C, the web UI): report what arrived."""
    if not isinstance(environment.runner, WorkerRunner):
        _write_report(environment)


def _write_report(environment: Any) -> None:
    from agentrt.load import report as out

    state = _state(environment)
    if state.reported or state.book is None or not state.book.workers:
        return
    state.reported = True
    result = state.book.result()
    report = out.report_of(
        plan_of(environment).describe(), result, distributed=state.book.distributed()
    )
    options = environment.parsed_options
    paths = {name: getattr(options, f"agentrt_{name}", None) for name in _OUTPUTS}
    from agentrt.load.outputs import write_outputs

    write_outputs(
        report,
        result.records,
        json_path=paths["json"],
        jsonl=paths["records"],
        csv_path=paths["csv"],
        html=paths["html"],
    )
    log.info("agentrt report:\n%s", out.summary_text(report))


_LISTENERS = (
    ("init_command_line_parser", _options),
    ("init", _init),
    ("test_start", _start),
    ("test_stop", _stop),
    ("quitting", _quitting),
)
for _hook, _listener in _LISTENERS:
    getattr(events, _hook).add_listener(_listener)
