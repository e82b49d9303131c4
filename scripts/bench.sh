#!/usr/bin/env bash
# `make bench`: turn latency, throughput and memory of Leadbot against two Rasa baselines:
# bench/stock (Rasa's out-of-the-box configuration, the target's reference) and
# bench/baseline (a stripped-down pipeline). Sets up what is missing, trains the models when
# their inputs changed (cached by hash like scripts/train.sh), then runs the benchmark
# (bench/cli.py) in the app environment. Extra arguments go to it: scripts/bench.sh --quick,
# --help, --only baseline,stock.
# Results: a table on stdout and var/bench/results.json.
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
  esac
  [ "$prev" = "--only" ] && only="$arg"
  prev="$arg"
done

# --only takes a comma-separated subset of leadbot,baseline,stock (default: all three, then
# the nurture send rate); --only nurture runs that alone.
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
"$APP_PY" -m bench "${models[@]}" "$@"
if wants nurture; then "$APP_PY" -m bench.nurture; fi
