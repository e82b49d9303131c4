#!/usr/bin/env bash
# `make test`: every check and every test. Exits non-zero on the first failing stage.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
export PATH="$VENV/app/bin:$PATH"

say "lint: ruff, mypy, import contract"
"$APP_PY" -m ruff check bot actions bench components tests alembic scripts
"$APP_PY" -m ruff format --check bot actions bench components tests alembic scripts
"$APP_PY" -m mypy
"$VENV/app/bin/lint-imports"

say "rasa data validate"
"$RASA_PY" scripts/validate_data.py --domain domain.yml --data data --config config.yml

MODEL="$("$ROOT/scripts/train.sh")"
export LEADBOT_TEST_MODEL="$MODEL"

"$ROOT/scripts/browser_setup.sh"  # chromium + vendored axe-core, rasa-webchat (tests/e2e)
say "pytest: domain, actions, integration (SQLite, PostgreSQL), web, conversations"
"$APP_PY" -m pytest "$@"

say "rasa test: conversation stories (tests/test_stories.yml)"
rm -rf "$ROOT/var/results"
"$RASA_PY" -m rasa test core --model "$MODEL" --stories tests/test_stories.yml \
  --out "$ROOT/var/results" --fail-on-prediction-errors --no-plot
say "all checks passed"
