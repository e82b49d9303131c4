"""`make bench`: Leadbot's turn latency, throughput and memory against two Rasa baselines.

The baselines are the same Rasa without Leadbot: "stock" (bench/stock, Rasa's out-of-the-box
configuration as `rasa init` writes it; the p95 target is judged against it) and "baseline"
(bench/baseline, a stripped-down pipeline: the floor). scripts/bench.sh trains (or restores)
the models and runs `python -m bench` in the app environment with their paths.

All systems are started first (Leadbot: action server + Rasa; the baselines: Rasa alone),
each on free loopback ports with a temporary endpoints file, and warmed up. Only one is
loaded at a time (the machines have 2 cores), but not one after the other for the whole
run: each concurrency level is split into rounds and the systems take turns, the first to
go changing every round. These machines' speed drifts by a third within minutes (measured:
the same conversations cost 39 ms of CPU a turn, then 55), so systems measured minutes
apart are compared on different machines; interleaved, they share the drift. Everything
it started is stopped at the end, on errors and on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp

from bench import long_messages, report
from bench.cpu import CpuSnapshot, cpu_usage
from bench.load import Client, LevelResult, Turn, parse_probe, run_level, warm_up
from bench.memory import MemoryWatch, hwm_mib, tree_rss_mib
from bench.procs import Registry, StartError, free_port, wait_ready
from bench.scripts import BASELINE_SCRIPT, LEADBOT_SCRIPT
from bench.tracing import ActionTracer

ROOT = Path(__file__).resolve().parent.parent
# Run in this order, one after another. Both baselines play the same script.
SYSTEMS = ("leadbot", "baseline", "stock")


@dataclass(frozen=True)
class Preset:
    conversations: tuple[int, ...]  # whole conversations for levels 1, 10, 50
    warmup: int


FULL = Preset(conversations=(10, 40, 100), warmup=10)
QUICK = Preset(conversations=(3, 10, 50), warmup=3)


@dataclass(frozen=True)
class Options:
    leadbot_model: Path | None
    baseline_model: Path | None
    stock_model: Path | None
    only: tuple[str, ...]
    levels: tuple[int, ...]
    conversations: tuple[int, ...]
    warmup: int
    rounds: int
    max_level_seconds: float
    start_timeout: float
    turn_timeout: float
    tracker: str
    trace_actions: bool
    rasa_python: Path
    out: Path
    log_dir: Path
    target_level: int
    target_ratio: float
    long_messages: bool = True
    long_messages_only: bool = False


def _int_list(raw: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {raw!r}"
        ) from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got {raw!r}")
    return values


def _systems(raw: str) -> tuple[str, ...]:
    """--only: a comma-separated subset of SYSTEMS, run in SYSTEMS order."""
    names = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = sorted(names - set(SYSTEMS))
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated subset of {','.join(SYSTEMS)}, got {raw!r}"
        )
    return tuple(system for system in SYSTEMS if system in names)


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Turn latency, throughput and memory of Leadbot vs stock Rasa "
        "(bench/stock) and a stripped-down Rasa baseline (bench/baseline).",
    )
    parser.add_argument("--leadbot-model", type=Path, help="trained Leadbot model (.tar.gz)")
    parser.add_argument(
        "--baseline-model", type=Path, help="trained stripped-down baseline model (.tar.gz)"
    )
    parser.add_argument(
        "--stock-model", type=Path, help="trained stock Rasa model, bench/stock (.tar.gz)"
    )
    parser.add_argument(
        "--only",
        type=_systems,
        help=f"benchmark these systems only, comma-separated subset of {','.join(SYSTEMS)} "
        "(the target needs leadbot and stock)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"short run: {_csv(QUICK.conversations)} conversations per level, "
        f"{QUICK.warmup} warm-up",
    )
    parser.add_argument(
        "--levels", type=_int_list, default=(1, 10, 50), help="concurrent conversations per level"
    )
    parser.add_argument(
        "--conversations",
        type=_int_list,
        help=f"whole conversations per level, one number per level "
        f"(default {_csv(FULL.conversations)}, --quick {_csv(QUICK.conversations)})",
    )
    parser.add_argument("--warmup", type=int, help="unmeasured warm-up conversations per system")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="split each level into this many rounds, the systems taking turns (default 3; "
        "never fewer conversations in a round than the level's concurrency)",
    )
    parser.add_argument(
        "--max-level-seconds",
        type=float,
        default=90.0,
        help="no new conversation starts after this many seconds in a level (default 90)",
    )
    parser.add_argument("--start-timeout", type=float, default=240.0, help="seconds to get ready")
    parser.add_argument("--turn-timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument(
        "--tracker",
        choices=("memory", "sqlite"),
        default="memory",
        help="Rasa tracker store for every system: in memory, or a temporary SQLite file",
    )
    parser.add_argument(
        "--trace-actions",
        action="store_true",
        help="time each action server call through a local proxy (adds one hop per call)",
    )
    parser.add_argument(
        "--rasa-python",
        type=Path,
        default=ROOT / ".venv" / "rasa" / "bin" / "python",
        help="Python of the rasa environment (default .venv/rasa/bin/python)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "var" / "bench" / "results.json",
        help="JSON results (default var/bench/results.json)",
    )
    parser.add_argument(
        "--log-dir",
        type=Path,
        default=ROOT / "var" / "bench" / "logs",
        help="server logs (default var/bench/logs)",
    )
    parser.add_argument(
        "--target-level", type=int, default=10, help="concurrency the target is judged at"
    )
    parser.add_argument(
        "--target-ratio",
        type=float,
        default=1.5,
        help="largest acceptable Leadbot p95 / stock Rasa p95 (default 1.5)",
    )
    parser.add_argument(
        "--no-long-messages",
        action="store_true",
        help="skip the slowest-single-message probe (2, 20 and 100 KB messages to Leadbot)",
    )
    parser.add_argument(
        "--long-messages-only",
        action="store_true",
        help="only the slowest-single-message probe (Leadbot alone, no load levels)",
    )
    args = parser.parse_args(argv)

    preset = QUICK if args.quick else FULL
    levels: tuple[int, ...] = args.levels
    conversations: tuple[int, ...] = args.conversations or _fit(preset.conversations, levels)
    if len(conversations) != len(levels):
        parser.error("--conversations needs one number per level")
    only: tuple[str, ...] = ("leadbot",) if args.long_messages_only else (args.only or SYSTEMS)
    for system in only:
        model = getattr(args, f"{system}_model")
        if model is None or not Path(model).is_file():
            parser.error(f"--{system}-model must name a trained model file, got {model}")
    return Options(
        leadbot_model=args.leadbot_model,
        baseline_model=args.baseline_model,
        stock_model=args.stock_model,
        only=only,
        levels=levels,
        conversations=conversations,
        warmup=args.warmup if args.warmup is not None else preset.warmup,
        rounds=args.rounds,
        max_level_seconds=args.max_level_seconds,
        start_timeout=args.start_timeout,
        turn_timeout=args.turn_timeout,
        tracker=args.tracker,
        trace_actions=args.trace_actions,
        rasa_python=args.rasa_python,
        out=args.out,
        log_dir=args.log_dir,
        target_level=args.target_level,
        target_ratio=args.target_ratio,
        long_messages=not args.no_long_messages,
        long_messages_only=args.long_messages_only,
    )


def _csv(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values)


def _fit(default: tuple[int, ...], levels: tuple[int, ...]) -> tuple[int, ...]:
    """Default conversation counts for custom levels: at least 2 rounds of each level."""
    if levels == (1, 10, 50):
        return default
    return tuple(max(2 * level, 3) for level in levels)


def _say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


def _endpoints_yaml(action_url: str | None, tracker: str, tmp: Path) -> str:
    lines = ["# written by bench/cli.py for one benchmark run"]
    if action_url:
        lines += ["action_endpoint:", f'  url: "{action_url}"']
    if tracker == "sqlite":
        lines += [
            "tracker_store:",
            "  type: SQL",
            '  dialect: "sqlite"',
            f'  db: "{tmp / "tracker.db"}"',
        ]
    lines += ["lock_store:", "  type: in_memory", ""]
    return "\n".join(lines)


def _child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    # rasa_sdk binds 0.0.0.0 unless told otherwise.
    env["SANIC_HOST"] = "127.0.0.1"
    # The lead store and its spool in the temporary directory: the developer's var/ stays
    # untouched, and every run starts from an empty, migrated store.
    env["LEADBOT_ENV"] = "development"
    env["DATABASE_URL"] = f"sqlite:///{tmp / 'leads.db'}"
    env["LEADBOT_SPOOL_DIR"] = str(tmp / "spool")
    env.pop("RASA_TOKEN", None)
    return env


async def _prestart(env: dict[str, str], log_path: Path) -> None:
    """`python -m bot.bootstrap`, as scripts/run.sh does: checks scoring.yml, migrates."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.bootstrap", cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            code = await asyncio.wait_for(proc.wait(), timeout=120)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            proc.kill()
            await proc.wait()
            raise
    if code != 0:
        raise StartError(f"bot.bootstrap (migrations) failed (log: {log_path}):\n{_tail(log_path)}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _lead_store_counts(tmp: Path) -> dict[str, int | None]:
    """Leads in the temporary store and leads spooled (the store failed): a sanity check."""
    stored: int | None = None
    with contextlib.suppress(sqlite3.Error):
        connection = sqlite3.connect(f"file:{tmp / 'leads.db'}?mode=ro", uri=True)
        try:
            stored = int(connection.execute("SELECT count(*) FROM leads").fetchone()[0])
        finally:
            connection.close()
    spool = tmp / "spool"
    spooled = sum(1 for _ in spool.glob("*.json")) if spool.is_dir() else 0
    return {"stored": stored, "spooled": spooled}


@dataclass
class Running:
    """One system, started, warmed up and ready to be loaded."""

    system: str
    script: tuple[str, ...]
    client: Client
    pids: dict[str, int]
    tmp: Path
    tracer: ActionTracer | None
    watches: dict[str, MemoryWatch]
    result: dict[str, Any]
    base_url: str = ""


async def start_system(
    system: str,
    model: Path,
    opts: Options,
    registry: Registry,
    stack: contextlib.AsyncExitStack,
) -> Running:
    """Starts the system's servers (stopped by `stack`), waits until ready, warms it up."""
    script = LEADBOT_SCRIPT if system == "leadbot" else BASELINE_SCRIPT
    result: dict[str, Any] = {"model": str(model), "script": list(script)}
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"leadbot-bench-{system}-")))
    env = _child_env(tmp)
    action_url: str | None = None
    actions = None
    tracer: ActionTracer | None = None
    if system == "leadbot":
        _say(f"{system}: migrating a temporary lead store")
        await _prestart(env, opts.log_dir / f"{system}-bootstrap.log")
        actions_port = free_port()
        _say(f"{system}: action server on 127.0.0.1:{actions_port}")
        actions = registry.start(
            f"{system} action server",
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
             "--port", str(actions_port)],
            cwd=ROOT,
            env=env,
            log_path=opts.log_dir / f"{system}-actions.log",
        )  # fmt: skip
        stack.push_async_callback(asyncio.to_thread, registry.stop, actions)
        action_url = f"http://127.0.0.1:{actions_port}/webhook"
        if opts.trace_actions:
            tracer = ActionTracer(action_url)
            action_url = await tracer.start(free_port())
            stack.push_async_callback(tracer.stop)
        await wait_ready(
            actions, f"http://127.0.0.1:{actions_port}/health", timeout=opts.start_timeout
        )

    (tmp / "endpoints.yml").write_text(_endpoints_yaml(action_url, opts.tracker, tmp))
    (tmp / "credentials.yml").write_text("rest:\n")
    rasa_port = free_port()
    token = secrets.token_urlsafe(24)
    _say(f"{system}: Rasa on 127.0.0.1:{rasa_port} (model {model.name}; ~1 min to load)")
    rasa = registry.start(
        f"{system} Rasa",
        [str(opts.rasa_python), str(ROOT / "scripts" / "rasa_serve.py"), "run",
         "--model", str(model),
         "--endpoints", str(tmp / "endpoints.yml"),
         "--credentials", str(tmp / "credentials.yml"),
         "--interface", "127.0.0.1", "--port", str(rasa_port),
         "--enable-api", "--auth-token", token],
        cwd=ROOT,
        env=env,
        log_path=opts.log_dir / f"{system}-rasa.log",
    )  # fmt: skip
    stack.push_async_callback(asyncio.to_thread, registry.stop, rasa)
    base_url = f"http://127.0.0.1:{rasa_port}"
    startup = await wait_ready(
        rasa, f"{base_url}/status?token={token}", timeout=opts.start_timeout,
        expect_json_key="model_file",
    )  # fmt: skip
    _say(f"{system}: ready after {startup:.1f} s")
    result["startup_s"] = round(startup, 1)
    pids = {"rasa": rasa.pid}
    if actions is not None:
        pids["actions"] = actions.pid
    result["memory_ready_mib"] = {name: _round(tree_rss_mib(pid)) for name, pid in pids.items()}

    connector = aiohttp.TCPConnector(limit=max(opts.levels) + 10)
    session = await stack.enter_async_context(
        aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=opts.turn_timeout)
        )
    )
    client = Client(session, base_url, run_id=secrets.token_hex(3))
    _say(f"{system}: warm-up ({opts.warmup} conversations, unmeasured)")
    transcript = await warm_up(
        client, script, conversations=max(1, opts.warmup), concurrency=min(10, max(opts.levels))
    )
    result["transcript"] = [
        {"user": t.text, "bot": list(t.replies), "ok": t.ok, "ms": round(t.latency_ms)}
        for t in transcript
    ]
    result["nlu_parse"] = await parse_probe(session, base_url, token, script)
    result["levels"] = []
    watches = {name: MemoryWatch(pid) for name, pid in pids.items()}
    for watch in watches.values():
        stack.push_async_callback(watch.stop)
    return Running(system, script, client, pids, tmp, tracer, watches, result, base_url)


def chunk_sizes(conversations: int, concurrency: int, rounds: int) -> list[int]:
    """Splits a level's conversations into rounds, none smaller than the concurrency (a
    round with fewer conversations than the level would not load the server at that level)."""
    count = max(1, min(rounds, conversations // max(1, concurrency)))
    base, extra = divmod(conversations, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def round_order(systems: Sequence[str], round_index: int) -> list[str]:
    """Who goes first moves every round, so drift in the machine's speed hits all alike."""
    shift = round_index % max(1, len(systems))
    return [*systems[shift:], *systems[:shift]]


@dataclass
class LevelTally:
    """One system's measurements of one level, added up over its rounds."""

    turns: list[Turn] = field(default_factory=list)
    wall_s: float = 0.0
    planned: int = 0
    done: int = 0
    cut: bool = False
    ticks: dict[str, int] = field(default_factory=dict)
    machine_ticks: int = 0
    rounds: list[dict[str, Any]] = field(default_factory=list)

    def add(self, measured: LevelResult, before: CpuSnapshot, after: CpuSnapshot) -> None:
        self.turns.extend(measured.turns)
        self.wall_s += measured.wall_s
        self.planned += measured.conversations_planned
        self.done += measured.conversations_done
        self.cut = self.cut or measured.stopped_by_deadline
        for name, value in after.processes.items():
            self.ticks[name] = self.ticks.get(name, 0) + value - before.processes.get(name, 0)
        self.machine_ticks += after.machine - before.machine
        own = measured.summary()
        self.rounds.append({key: own[key] for key in ("p50_ms", "p95_ms", "throughput_tps")})

    def summary(self, concurrency: int) -> dict[str, Any]:
        level = LevelResult(
            concurrency=concurrency,
            conversations_planned=self.planned,
            conversations_done=self.done,
            wall_s=self.wall_s,
            turns=self.turns,
            stopped_by_deadline=self.cut,
        )
        summary = level.summary()
        zero = CpuSnapshot(0, dict.fromkeys(self.ticks, 0))
        spent = CpuSnapshot(self.machine_ticks, dict(self.ticks))
        summary.update(cpu_usage(zero, spent, self.wall_s, len(level.latencies_ms)))
        summary["rounds"] = self.rounds
        return summary


async def bench_level(
    running: dict[str, Running], opts: Options, level: int, conversations: int
) -> None:
    """Loads every system at one concurrency level, in interleaved rounds."""
    chunks = chunk_sizes(conversations, level, opts.rounds)
    tallies = {name: LevelTally() for name in running}
    for run in running.values():
        if run.tracer is not None:
            run.tracer.durations.clear()
            run.tracer.failures.clear()
    for index, size in enumerate(chunks):
        for name in round_order(list(running), index):
            run = running[name]
            _say(
                f"{name}: {level} concurrent, round {index + 1}/{len(chunks)}: "
                f"{size} conversations x {len(run.script)} turns"
            )
            before = CpuSnapshot.take(run.pids)
            measured = await run_level(
                run.client,
                run.script,
                label=f"c{level}r{index}",
                concurrency=level,
                conversations=size,
                max_seconds=opts.max_level_seconds / len(chunks),
            )
            tallies[name].add(measured, before, CpuSnapshot.take(run.pids))
    for name, run in running.items():
        summary = tallies[name].summary(level)
        if run.tracer is not None:
            summary["actions_trace"] = run.tracer.summary()
        run.result["levels"].append(summary)
        _say(
            f"{name}: {level} concurrent: p50 {summary['p50_ms']} ms, "
            f"p95 {summary['p95_ms']} ms, {summary['throughput_tps']} turns/s, "
            f"{summary['errors']} errors, other processes "
            f"{summary['other_processes_cores']} cores"
        )


async def finish_system(run: Running) -> None:
    """Memory under load and the lead store's sanity counts, before the servers stop."""
    for watch in run.watches.values():
        await watch.stop()
    run.result["memory_peak_load_mib"] = {k: _round(w.peak_mib) for k, w in run.watches.items()}
    run.result["memory_hwm_mib"] = {name: _round(hwm_mib(pid)) for name, pid in run.pids.items()}
    if run.system == "leadbot":
        run.result["leads"] = _lead_store_counts(run.tmp)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


async def _run(opts: Options, registry: Registry) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    main_task = asyncio.current_task()
    assert main_task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, main_task.cancel)
    started = time.monotonic()
    results: dict[str, Any] = {
        "meta": {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "loadavg_at_start": [round(v, 2) for v in os.getloadavg()],
            "python": platform.python_version(),
            "levels": list(opts.levels),
            "conversations": list(opts.conversations),
            "warmup_conversations": opts.warmup,
            "max_level_seconds": opts.max_level_seconds,
            "tracker_store": opts.tracker,
            "trace_actions": opts.trace_actions,
            "memory_source": "/proc/<pid>/status (VmRSS sampled every 0.25 s, VmHWM)",
        },
        "systems": {},
    }
    models = {
        "leadbot": opts.leadbot_model,
        "baseline": opts.baseline_model,
        "stock": opts.stock_model,
    }
    async with contextlib.AsyncExitStack() as stack:
        running: dict[str, Running] = {}
        for system in opts.only:
            model = models[system]
            assert model is not None
            running[system] = await start_system(system, model, opts, registry, stack)
        for run in running.values():
            for watch in run.watches.values():
                watch.start()
        if not opts.long_messages_only:
            for level, conversations in zip(opts.levels, opts.conversations, strict=True):
                await bench_level(running, opts, level, conversations)
        if opts.long_messages and "leadbot" in running:
            _say("leadbot: the slowest single message (2, 20 and 100 KB)")
            run = running["leadbot"]
            run.result["long_messages"] = await long_messages.measure(run.base_url, run.pids)
        for run in running.values():
            await finish_system(run)
            results["systems"][run.system] = run.result
    results["meta"]["duration_s"] = round(time.monotonic() - started, 1)
    results.update(report.compare(results["systems"], opts.target_level, opts.target_ratio))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    registry = Registry()
    try:
        results = asyncio.run(_run(opts, registry))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("bench: interrupted; servers stopped", file=sys.stderr)
        return 130
    except StartError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        with contextlib.suppress(Exception):
            registry.stop_all()
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps(results, indent=2) + "\n")
    print(report.render(results))
    print(f"\nresults: {_relative(opts.out)}   logs: {_relative(opts.log_dir)}/")
    return 0


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
