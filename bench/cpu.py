"""CPU time from /proc: what the servers spend per turn, and what other processes took.

The machines have 2 cores and other work (a training run, a test suite) may share them; a
level's latencies mean little if something else ate a core meanwhile. So each level records
the CPU seconds of the servers under test, of the load generator, and of everything else.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.memory import descendants

PROC = Path("/proc")
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_busy_ticks() -> int:
    """Busy clock ticks of all CPUs since boot (the `cpu` line of /proc/stat minus idle)."""
    try:
        fields = (PROC / "stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return 0
    # cpu user nice system idle iowait irq softirq steal guest guest_nice
    values = [int(v) for v in fields[1:9]]
    return sum(values) - values[3] - values[4]


def process_ticks(pid: int) -> int:
    """utime + stime of one process (all its threads), 0 if it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0
    after_comm = text.rsplit(")", 1)[-1].split()
    # after ")" come: state(3) ppid(4) ... utime(14) stime(15), i.e. indexes 11 and 12
    with contextlib.suppress(IndexError, ValueError):
        return int(after_comm[11]) + int(after_comm[12])
    return 0


def tree_ticks(pid: int) -> int:
    return process_ticks(pid) + sum(process_ticks(child) for child in descendants(pid))


@dataclass(frozen=True)
class CpuSnapshot:
    machine: int
    processes: dict[str, int]

    @classmethod
    def take(cls, servers: Mapping[str, int]) -> CpuSnapshot:
        """The machine, each server's process tree, and this process alone ("load_generator":
        its tree would count the servers, its children, twice)."""
        processes = {name: tree_ticks(pid) for name, pid in servers.items()}
        processes["load_generator"] = process_ticks(os.getpid())
        return cls(machine_busy_ticks(), processes)


def cpu_usage(
    before: CpuSnapshot, after: CpuSnapshot, wall_s: float, turns: int
) -> dict[str, object]:
    """CPU ms per turn for each watched process, and the cores used by everything else."""
    ms_per_tick = 1000.0 / CLK_TCK
    spent = {
        name: after.processes[name] - before.processes.get(name, 0) for name in after.processes
    }
    foreign = (after.machine - before.machine) - sum(spent.values())
    return {
        "cpu_ms_per_turn": {
            name: round(ticks * ms_per_tick / turns, 2) if turns else None
            for name, ticks in spent.items()
        },
        "cores_used": {
            name: round(ticks / CLK_TCK / wall_s, 2) if wall_s > 0 else None
            for name, ticks in spent.items()
        },
        "other_processes_cores": round(max(0, foreign) / CLK_TCK / wall_s, 2) if wall_s else None,
    }
