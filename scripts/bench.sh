#!/usr/bin/env bash
# `make bench`: turn latency, throughput and memory of Leadbot against a bare Rasa baseline
# (bench/baseline). Sets up what is missing, trains both models when their inputs changed
# (cached by hash like scripts/train.sh), then runs the benchmark (bench/cli.py) in the app
# environment. Extra arguments go to it: scripts/bench.sh --quick, --help, --only baseline.
# Results: a table on stdout and var/bench/results.json.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"

# The baseline model: keyed by the baseline project and the rasa environment.
train_baseline() {
  local key name out cached
  key="$(hash_files "$ROOT/bench/baseline" "$ROOT/requirements/rasa.lock")"
  name="baseline-$key"
  cached="$CACHE/models/$name.tar.gz"
  if [ -f "$cached" ]; then
    say "baseline model up to date ($name)"
  else
    say "training the baseline model ($name)"
    out="$(mktemp -d)"
    # From the project root with explicit paths: Rasa's .rasa/ cache must not land in
    # bench/baseline, whose files make the key.
    if ! "$RASA_PY" -m rasa train --config bench/baseline/config.yml \
        --domain bench/baseline/domain.yml --data bench/baseline/data \
        --fixed-model-name "$name" --out "$out" >&2; then
      rm -rf "$out"; die "training the baseline model failed"
    fi
    mkdir -p "$CACHE/models"
    cp "$out/$name.tar.gz" "$cached.tmp" && mv "$cached.tmp" "$cached"
    rm -rf "$out"
  fi
  echo "$cached"
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

models=()
if [ "$only" != "baseline" ]; then
  LEADBOT_MODEL="$("$ROOT/scripts/train.sh")" \
    || die "the Leadbot model did not train (see above); 'scripts/bench.sh --only baseline' runs the baseline alone"
  models+=(--leadbot-model "$LEADBOT_MODEL")
fi
if [ "$only" != "leadbot" ]; then
  models+=(--baseline-model "$(train_baseline)")
fi

mkdir -p "$ROOT/var/bench"
exec "$APP_PY" -m bench "${models[@]}" "$@"
