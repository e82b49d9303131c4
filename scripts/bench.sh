#!/usr/bin/env bash
# `make bench`: turn latency, throughput and memory of Leadbot against two Rasa baselines:
# bench/stock (Rasa's out-of-the-box configuration, the target's reference) and
# bench/baseline (a stripped-down pipeline). Sets up what is missing, trains the models when
# their inputs changed (cached by hash like scripts/train.sh), then runs the benchmark
# (bench/cli.py) in the app environment. Extra arguments go to it: scripts/bench.sh --quick,
# --help, --only baseline,stock, --long-messages-only (the slowest single message of 2, 20
# and 100 KB through Leadbot's Rasa, no load levels).
# Results: a table on stdout and var/bench/results.json (the gateway's: var/bench/gateway.json).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"

# A baseline model: keyed by its project (bench/baseline or bench/stock) and the rasa
# environment. $1: the project directory (relative to the root), $2: the model name prefix.
train_baseline() {
  local dir="$1" prefix="$2"
  cached_model "$prefix-$(hash_files "$ROOT/$dir" "$ROOT/requirements/rasa.lock")" \
    "$dir/config.yml" "$dir/domain.yml" "$dir/data"
}

only=""
prev=""
for arg in "$@"; do
  case "$arg" in
    -h|--help) exec "$APP_PY" -m bench --help ;;
    --only=*) only="${arg#--only=}" ;;
    --long-messages-only) only="leadbot" ;;
  esac
  [ "$prev" = "--only" ] && only="$arg"
  prev="$arg"
done

# --only takes a comma-separated subset of leadbot,baseline,stock,speed,nurture (default:
# all).
wants() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

# Nurture: emails per second with one and two workers on PostgreSQL (bench/nurture.py).
[ "$only" = "nurture" ] && exec "$APP_PY" -m bench.nurture

models=()
if wants leadbot; then
  LEADBOT_MODEL="$("$ROOT/scripts/train.sh")" \
    || die "the Leadbot model did not train (see above); 'scripts/bench.sh --only baseline,stock' runs the baselines alone"
  models+=(--leadbot-model "$LEADBOT_MODEL")
fi
# One at a time, assigned first: a failed training stops the script (set -e).
if wants baseline; then
  model="$(train_baseline bench/baseline baseline)"
  models+=(--baseline-model "$model")
fi
if wants stock; then
  model="$(train_baseline bench/stock stock)"
  models+=(--stock-model "$model")
fi

mkdir -p "$ROOT/var/bench"
# Speed to lead (handoff): reply to a hot lead's last answer -> the rep's webhook has
# lead.qualified, p50/p95 on SQLite and PostgreSQL, and the idle outbox worker's CPU.
if wants speed; then
  "$APP_PY" -m bench.speed_to_lead || say "speed to lead missed its target (see above)"
fi
"$APP_PY" -m bench "${models[@]}" "$@"

# The widget gateway's figures (bench/gateway.py, var/bench/gateway.json): its added latency
# per turn, memory with 500 idle visitors, throughput with two Rasa servers vs one. Part of
# the whole run (skipped with --only).
if [ -z "$only" ]; then
  quick=()
  for arg in "$@"; do [ "$arg" = "--quick" ] && quick=(--quick); done
  "$APP_PY" -m bench.gateway ${LEADBOT_MODEL:+--model "$LEADBOT_MODEL"} "${quick[@]}"
fi
if wants nurture; then "$APP_PY" -m bench.nurture; fi
