"""`make eval`'s second half: simulated visitors on the held-out phrasings (issue 11).

    python -m bench.simulate --model models/leadbot-<hash>.tar.gz [--n 300] [--seed 11000]
        [--set heldout] [--concurrency 6] [--seeds 11003,11017] [--transcripts]

Starts the action server and Rasa (tests/support/stack.py) with a fresh, migrated SQLite
lead store, plays one simulated visitor per seed (tests/conversations/simulator), and
prints: conversations reaching the right route, re-asks of volunteered facts, stuck
conversations, questions asked more than twice, stored-fact accuracy per slot, and the
failing seeds by invariant. Every failing conversation's transcript goes to
<out>/simulator-transcripts.txt (and to the terminal with --transcripts); the figures to
<out>/simulator.json. `--seeds` replays chosen seeds and prints their transcripts.
Reports, never judges: exits non-zero only when the run cannot happen (no model, the
stack does not start).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.leads.migrate import upgrade
from bot.scoring import load_rubric
from tests.conversations.simulator.invariants import Outcome
from tests.conversations.simulator.phrasings import PHRASINGS_DIR, PhrasingsError, load_phrasings
from tests.conversations.simulator.report import figures, format_figures, transcript
from tests.conversations.simulator.suite import DEFAULT_CONCURRENCY, seeds_from, simulate
from tests.support.stack import running_stack

ROOT = Path(__file__).resolve().parent.parent


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.simulate", description=__doc__)
    parser.add_argument("--model", type=Path, required=True, help="trained Rasa model")
    parser.add_argument("--n", type=int, default=300, help="conversations (default 300)")
    parser.add_argument("--seed", type=int, default=11000, help="first seed (default 11000)")
    parser.add_argument("--set", default="heldout", help="phrasings set (default heldout)")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--seeds", default="", help="comma-separated seeds to replay")
    parser.add_argument("--transcripts", action="store_true", help="print failing transcripts")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "eval")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _args(argv)
    if not args.model.exists():
        print(f"error: no model at {args.model}", file=sys.stderr)
        return 2
    try:
        phrasings = load_phrasings(PHRASINGS_DIR / args.set)
    except PhrasingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rubric = load_rubric(ROOT / "scoring.yml")
    seeds = (
        [int(s) for s in args.seeds.split(",") if s.strip()]
        if args.seeds
        else seeds_from(args.seed, args.n)
    )
    with tempfile.TemporaryDirectory(prefix="leadbot-sim-") as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite:///{workdir / 'leads.db'}"
        upgrade(database_url)
        env = {"DATABASE_URL": database_url, "LEADBOT_SPOOL_DIR": str(workdir / "spool")}
        print(f"==> starting Rasa and the action server with {args.model.name}", file=sys.stderr)
        with running_stack(args.model, workdir, env=env) as stack:
            print(
                f"==> {len(seeds)} simulated visitors on the {args.set} phrasings, "
                f"{args.concurrency} at a time",
                file=sys.stderr,
            )
            outcomes = asyncio.run(
                simulate(
                    rasa_url=stack.rasa_url,
                    token=stack.token,
                    database_url=database_url,
                    phrasings=phrasings,
                    rubric=rubric,
                    seeds=seeds,
                    concurrency=args.concurrency,
                )
            )
    _write(outcomes, args)
    return 0


def _write(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    fig = figures(outcomes)
    failing = [transcript(o) for o in outcomes if not o.ok]
    args.out.mkdir(parents=True, exist_ok=True)
    transcripts = args.out / "simulator-transcripts.txt"
    transcripts.write_text("\n\n".join(failing) + "\n", encoding="utf-8")
    (args.out / "simulator.json").write_text(json.dumps(fig.to_dict(), indent=2) + "\n")
    if args.seeds:  # a replay: every chosen conversation, passing or not
        print("\n\n".join(transcript(o) for o in outcomes), end="\n\n")
    elif args.transcripts:
        print("\n\n".join(failing), end="\n\n")
    seeds = args.seeds or f"{args.seed}..{args.seed + args.n - 1}"
    title = (
        f"Simulated visitors ({args.set} phrasings, {len(outcomes)} conversations, seeds {seeds})"
    )
    print(format_figures(fig, title))
    print(f"  transcripts of the {len(failing)} failing conversations: {transcripts}")
    print(f"  replay one: SIM_ONLY=1 SIM_SET={args.set} SIM_SEEDS=<seed> make eval")


if __name__ == "__main__":
    sys.exit(main())
