"""The comparison, the target verdict and the printed table of `make bench`."""

from __future__ import annotations

from typing import Any

from bench import long_messages
from bench.stats import ratio

# Other processes using more than this many cores during a level make its figures suspect.
NOISY_CORES = 0.25


def _level(system: dict[str, Any] | None, concurrency: int) -> dict[str, Any] | None:
    if not system:
        return None
    for level in system.get("levels", []):
        if level.get("concurrency") == concurrency:
            return dict(level)
    return None


# The two references Leadbot is compared with, in the order they are printed. The target is
# judged against stock Rasa (what Leadbot costs over an out-of-the-box Rasa bot); the ratio
# against the stripped-down baseline is printed next to it, never judged.
REFERENCES = ("stock", "baseline")
TARGET_REFERENCE = "stock"
LABELS = {
    "leadbot": "Leadbot",
    "stock": "stock Rasa (bench/stock, rasa init defaults)",
    "baseline": "stripped-down baseline (bench/baseline)",
}


def compare(
    systems: dict[str, dict[str, Any]], target_level: int, target_ratio: float
) -> dict[str, Any]:
    """Per-level ratios (Leadbot / each reference) and whether the p95 target holds.

    "comparisons" has one list per reference present; "target" is judged against stock Rasa,
    "target_vs_baseline" is the same rule against the stripped-down baseline, for reference.
    """
    leadbot = systems.get("leadbot")
    comparisons = {
        name: _comparison(leadbot, systems.get(name))
        for name in REFERENCES
        if leadbot and systems.get(name)
    }
    return {
        "comparisons": comparisons,
        "target": _target(leadbot, systems.get(TARGET_REFERENCE), TARGET_REFERENCE,
                          target_level, target_ratio, judged=True),
        "target_vs_baseline": _target(leadbot, systems.get("baseline"), "baseline",
                                      target_level, target_ratio, judged=False),
    }  # fmt: skip


def _comparison(
    leadbot: dict[str, Any] | None, reference: dict[str, Any] | None
) -> list[dict[str, Any]]:
    levels = sorted(
        {lv["concurrency"] for s in (leadbot, reference) if s for lv in s.get("levels", [])}
    )
    comparison = []
    for concurrency in levels:
        ours, theirs = _level(leadbot, concurrency), _level(reference, concurrency)
        if ours is None or theirs is None:
            continue
        comparison.append(
            {
                "concurrency": concurrency,
                "p50_ratio": _r(ratio(ours["p50_ms"], theirs["p50_ms"])),
                "p95_ratio": _r(ratio(ours["p95_ms"], theirs["p95_ms"])),
                "p99_ratio": _r(ratio(ours["p99_ms"], theirs["p99_ms"])),
                "throughput_ratio": _r(ratio(ours["throughput_tps"], theirs["throughput_tps"])),
            }
        )
    return comparison


def _target(
    leadbot: dict[str, Any] | None,
    reference: dict[str, Any] | None,
    name: str,
    target_level: int,
    target_ratio: float,
    *,
    judged: bool,
) -> dict[str, Any]:
    ours, theirs = _level(leadbot, target_level), _level(reference, target_level)
    p95_ratio = ratio(ours["p95_ms"], theirs["p95_ms"]) if ours and theirs else None
    clean = bool(ours and theirs and ours["errors"] == 0 and theirs["errors"] == 0)
    return {
        "rule": f"Leadbot p95 at {target_level} concurrent conversations "
        f"<= {target_ratio}x the p95 of {LABELS[name]}",
        "reference": name,
        "judged": judged,
        "concurrency": target_level,
        "limit_ratio": target_ratio,
        "leadbot_p95_ms": ours["p95_ms"] if ours else None,
        "reference_p95_ms": theirs["p95_ms"] if theirs else None,
        "p95_ratio": _r(p95_ratio),
        "p95_ratio_by_round": _round_ratios(ours, theirs),
        "holds": None if p95_ratio is None else bool(p95_ratio <= target_ratio and clean),
        "errors_free": clean,
    }


def _round_ratios(ours: dict[str, Any] | None, theirs: dict[str, Any] | None) -> list[float | None]:
    """p95 ratio of each interleaved round: the spread the verdict's ratio comes from."""
    mine, others = (ours or {}).get("rounds") or [], (theirs or {}).get("rounds") or []
    if len(mine) != len(others):
        return []
    return [_r(ratio(a.get("p95_ms"), b.get("p95_ms"))) for a, b in zip(mine, others, strict=True)]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _fmt(value: Any, spec: str = ".0f") -> str:
    if value is None:
        return "-"
    if isinstance(value, (int, float)):
        return format(value, spec)
    return str(value)


def _memory_lines(name: str, system: dict[str, Any]) -> list[str]:
    ready = system.get("memory_ready_mib", {})
    peak = system.get("memory_peak_load_mib", {})
    hwm = system.get("memory_hwm_mib", {})
    lines = []
    for proc in ("rasa", "actions"):
        if proc in ready or proc in peak:
            lines.append(
                f"  {name + ' ' + proc:<18} ready {_fmt(ready.get(proc)):>6} MiB   "
                f"peak under load {_fmt(peak.get(proc)):>6} MiB   "
                f"VmHWM {_fmt(hwm.get(proc)):>6} MiB"
            )
    return lines


# Table columns: each system's figures, then the ratios against each reference.
_SYSTEM_COLUMNS = ("leadbot", "baseline", "stock")


def _system_cells(level: dict[str, Any]) -> str:
    return (
        f"{_fmt(level.get('p50_ms')):>5} {_fmt(level.get('p95_ms')):>5} "
        f"{_fmt(level.get('p99_ms')):>5} {_fmt(level.get('throughput_tps'), '.1f'):>5} "
        f"{_fmt(level.get('errors')):>3}"
    )


def render(results: dict[str, Any]) -> str:
    systems: dict[str, dict[str, Any]] = results.get("systems", {})
    leadbot = systems.get("leadbot")
    comparisons = {
        name: {c["concurrency"]: c for c in rows}
        for name, rows in (results.get("comparisons") or {}).items()
    }
    levels = sorted({lv["concurrency"] for s in systems.values() for lv in s.get("levels", [])})
    out: list[str] = []
    meta = results.get("meta", {})
    out.append("")
    out.append(
        f"Leadbot vs stock Rasa (bench/stock) and the stripped-down baseline (bench/baseline)"
        f" - {meta.get('cpus')} CPUs, tracker store {meta.get('tracker_store')}, "
        f"{meta.get('duration_s')} s"
    )
    blocks = [f"{name:<27}" for name in _SYSTEM_COLUMNS]
    blocks += [f"vs {name:<10}" for name in REFERENCES]
    out.append((f"{'':>4} | " + " | ".join(blocks)).rstrip())
    sub = [f"{'p50':>5} {'p95':>5} {'p99':>5} {'t/s':>5} {'err':>3}"] * len(_SYSTEM_COLUMNS)
    sub += [f"{'p95 x':>6} {'tput x':>6}"] * len(REFERENCES)
    head = f"{'conc':>4} | " + " | ".join(sub)
    out.append(head)
    out.append("-" * len(head))
    for concurrency in levels:
        cells = [_system_cells(_level(systems.get(n), concurrency) or {}) for n in _SYSTEM_COLUMNS]
        for name in REFERENCES:
            cmp = comparisons.get(name, {}).get(concurrency, {})
            cells.append(
                f"{_fmt(cmp.get('p95_ratio'), '.2f'):>6} "
                f"{_fmt(cmp.get('throughput_ratio'), '.2f'):>6}"
            )
        out.append(f"{concurrency:>4} | " + " | ".join(cells))
    out.append(
        "(latencies in ms per turn, t/s = turns/s; vs X: p95 x = leadbot p95 / X p95, "
        "tput x = leadbot turns/s / X turns/s;"
    )
    out.append(
        " stock = Rasa's out-of-the-box config as `rasa init` writes it, "
        "baseline = stripped-down pipeline)"
    )

    out.append("")
    out.append("Memory (resident, process tree) and start-up")
    for name, system in systems.items():
        out.extend(_memory_lines(name, system))
        out.append(f"  {name + ' start-up':<18} {_fmt(system.get('startup_s'), '.1f')} s to ready")

    out.append("")
    out.append(
        "CPU per turn (ms: Rasa + action server); cores used by the load generator and by "
        "other processes"
    )
    for concurrency in levels:
        for index, (name, system) in enumerate(systems.items()):
            level = _level(system, concurrency) or {}
            per_turn = level.get("cpu_ms_per_turn", {})
            servers = " + ".join(
                _fmt(per_turn.get(proc), ".1f") for proc in ("rasa", "actions") if proc in per_turn
            )
            client = (level.get("cores_used") or {}).get("load_generator")
            prefix = f"{concurrency:>4}:" if index == 0 else ""
            out.append(
                f"  {prefix:<5} {name:<9} {servers} ms, client {_fmt(client, '.2f')}, "
                f"others {_fmt(level.get('other_processes_cores'), '.2f')}"
            )
    busiest = max(
        (
            lv.get("other_processes_cores") or 0.0
            for s in systems.values()
            for lv in s.get("levels", [])
        ),
        default=0.0,
    )
    if busiest > NOISY_CORES:
        out.append(
            f"  WARNING: other processes used up to {busiest:.2f} cores during a level: "
            "latencies are disturbed; re-run on a quiet machine"
        )

    for name, system in systems.items():
        levels_data = system.get("levels", [])
        empty = sum(lv.get("empty_replies", 0) for lv in levels_data)
        cut = [lv["concurrency"] for lv in levels_data if lv.get("stopped_by_deadline")]
        samples = sorted({e for lv in levels_data for e in lv.get("error_samples", [])})
        notes = []
        if empty:
            notes.append(f"{empty} turns got no reply")
        if cut:
            notes.append(f"levels {cut} hit --max-level-seconds (fewer conversations)")
        if samples:
            notes.append("errors: " + "; ".join(samples[:3]))
        if notes:
            out.append(f"  note ({name}): " + ", ".join(notes))

    parse_lines = []
    for name, system in systems.items():
        probe = system.get("nlu_parse") or {}
        first_level = (system.get("levels") or [{}])[0]
        if probe.get("p50_ms") is not None:
            parse_lines.append(
                f"  {name:<9} NLU alone (/model/parse) p50 {_fmt(probe['p50_ms'], '.1f')} ms, "
                f"p95 {_fmt(probe['p95_ms'], '.1f')} ms; whole turn at "
                f"{first_level.get('concurrency', '-')} concurrent p50 "
                f"{_fmt(first_level.get('p50_ms'), '.1f')} ms"
            )
    if parse_lines:
        out.append("")
        out.append("Where a turn's time goes (sequential requests)")
        out.extend(parse_lines)

    if leadbot and leadbot.get("levels"):
        first = leadbot["levels"][0]
        by_step = first.get("p50_ms_by_step", {})
        script = leadbot.get("script", [])
        steps = "  ".join(
            f"{script[int(k)][:14]!r}={_fmt(v)}" for k, v in by_step.items() if int(k) < len(script)
        )
        out.append("")
        out.append(f"Leadbot p50 per turn at {first['concurrency']} concurrent (ms): {steps}")
    traced = [lv for lv in (leadbot or {}).get("levels", []) if lv.get("actions_trace")]
    if traced:
        out.append("Action server calls, as Rasa waited for them (via the timing proxy):")
        for level in traced:
            for action, stats in level["actions_trace"].items():
                p50, p95 = _fmt(stats["p50_ms"], ".1f"), _fmt(stats["p95_ms"], ".1f")
                out.append(
                    f"  {level['concurrency']:>3} conc  {action:<30} calls {stats['calls']:>4}"
                    f"  p50 {p50:>6}  p95 {p95:>6}  max {_fmt(stats['max_ms'], '.1f'):>6}"
                    f"  failures {stats['failures']}"
                )
    leads = (leadbot or {}).get("leads")
    if leads:
        out.append(
            f"Lead store (temporary SQLite): {_fmt(leads.get('stored'))} leads stored, "
            f"{_fmt(leads.get('spooled'))} spooled (store unavailable)"
        )

    for name, system in systems.items():
        transcript = system.get("transcript", [])
        if transcript:
            out.append("")
            out.append(f"Transcript ({name}, first warm-up conversation):")
            for turn in transcript:
                bot = " / ".join(turn.get("bot", [])) or ("(no reply)" if turn["ok"] else "ERROR")
                out.append(f"  > {turn['user']:<24} {turn['ms']:>5} ms  {bot[:90]}")

    if leadbot and leadbot.get("long_messages"):
        out.extend(long_messages.render(leadbot["long_messages"]))

    out.append("")
    out.extend(_target_lines(results.get("target") or {}, "Target"))
    out.extend(_target_lines(results.get("target_vs_baseline") or {}, "  for reference"))
    return "\n".join(out)


def _target_lines(target: dict[str, Any], title: str) -> list[str]:
    if not target:
        return []
    judged = "" if target.get("judged") else " (not judged)"
    if target.get("holds") is None:
        needs = f"needs leadbot and {target.get('reference')}"
        return [f"{title}{judged}: {target.get('rule', '-')}: not measured ({needs})"]
    verdict = "HOLDS" if target["holds"] else "MISSED"
    if not target.get("judged"):
        verdict = "would hold" if target["holds"] else "would miss"
    why = "" if target.get("errors_free") else " (errors at that level)"
    by_round = target.get("p95_ratio_by_round") or []
    spread = (
        f"; by round {', '.join(_fmt(r, '.2f') + 'x' for r in by_round)}"
        if len(by_round) > 1
        else ""
    )
    return [
        f"{title}{judged}: {target['rule']}: {verdict}{why} - leadbot "
        f"{_fmt(target['leadbot_p95_ms'])} ms vs {target['reference']} "
        f"{_fmt(target['reference_p95_ms'])} ms = {_fmt(target['p95_ratio'], '.2f')}x "
        f"(limit {target['limit_ratio']}x{spread})"
    ]
