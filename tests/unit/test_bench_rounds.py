"""`make bench` interleaves the systems: each level in rounds, the first to go rotating."""

from __future__ import annotations

from bench.cli import LevelTally, chunk_sizes, round_order
from bench.cpu import CLK_TCK, CpuSnapshot
from bench.load import LevelResult, Turn
from bench.report import compare


def test_a_level_is_split_into_rounds_never_smaller_than_its_concurrency() -> None:
    assert chunk_sizes(40, 10, 3) == [14, 13, 13]
    assert chunk_sizes(10, 1, 3) == [4, 3, 3]
    assert chunk_sizes(100, 50, 3) == [50, 50]
    assert chunk_sizes(30, 50, 3) == [30]
    assert sum(chunk_sizes(41, 10, 4)) == 41


def test_who_goes_first_changes_every_round() -> None:
    systems = ["leadbot", "stock", "baseline"]
    firsts = [round_order(systems, i)[0] for i in range(3)]
    assert sorted(firsts) == sorted(systems)
    assert all(sorted(round_order(systems, i)) == sorted(systems) for i in range(5))


def _measured(latencies: list[float], wall_s: float) -> LevelResult:
    level = LevelResult(concurrency=2, conversations_planned=1, conversations_done=1)
    level.turns = [Turn(i, "hi", ms, True, ("hello",)) for i, ms in enumerate(latencies)]
    level.wall_s = wall_s
    return level


def test_rounds_add_up_to_one_level_with_cpu_over_all_of_them() -> None:
    tally = LevelTally()
    tally.add(
        _measured([10.0] * 10, 1.0), CpuSnapshot(0, {"rasa": 0}), CpuSnapshot(50, {"rasa": 20})
    )
    tally.add(
        _measured([30.0] * 10, 1.0), CpuSnapshot(50, {"rasa": 20}), CpuSnapshot(90, {"rasa": 60})
    )
    summary = tally.summary(2)
    assert summary["ok_turns"] == 20
    assert summary["conversations_done"] == 2
    assert summary["throughput_tps"] == 10.0
    assert [r["p95_ms"] for r in summary["rounds"]] == [10.0, 30.0]
    assert summary["p95_ms"] == 30.0
    # 60 ticks of Rasa over the 20 turns of both rounds
    assert summary["cpu_ms_per_turn"]["rasa"] == round(60 * 1000 / CLK_TCK / 20, 2)


def test_the_target_reports_the_ratio_of_each_round() -> None:
    def system(round_latencies: list[float]) -> dict[str, object]:
        tally = LevelTally()
        for ms in round_latencies:
            tally.add(_measured([ms] * 20, 1.0), CpuSnapshot(0, {}), CpuSnapshot(0, {}))
        level = tally.summary(10)
        level["concurrency"] = 10
        return {"levels": [level]}

    verdict = compare({"leadbot": system([120, 150]), "stock": system([100, 100])}, 10, 1.5)
    assert verdict["target"]["p95_ratio_by_round"] == [1.2, 1.5]
    assert verdict["target"]["p95_ratio"] == 1.5
    assert verdict["target"]["holds"] is True
