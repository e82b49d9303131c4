#!/usr/bin/env bash
# `make run`: set up what is missing, train when data changed, migrate the lead store, then
# start the action server, Rasa (localhost only) and the bot web app on the embedded
# default (SQLite under var/). Ctrl-C stops everything.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
MODEL="$("$ROOT/scripts/train.sh")"
mkdir -p "$ROOT/var/log"

# The Rasa HTTP API token: from the environment, or generated once into var/.
if [ -z "${RASA_TOKEN:-}" ]; then
  if [ ! -s "$ROOT/var/rasa_token" ]; then
    (umask 077; "$APP_PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$ROOT/var/rasa_token")
  fi
  RASA_TOKEN="$(cat "$ROOT/var/rasa_token")"
fi
export RASA_TOKEN

# The leads API token: from the environment, or generated once into var/ (development).
if [ -z "${LEADBOT_API_TOKEN:-}" ]; then
  if [ ! -s "$ROOT/var/api_token" ]; then
    (umask 077; "$APP_PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$ROOT/var/api_token")
  fi
  LEADBOT_API_TOKEN="$(cat "$ROOT/var/api_token")"
fi
export LEADBOT_API_TOKEN

# The key that signs visitors' links and tokens: from the environment, or generated once.
if [ -z "${LEADBOT_SECRET_KEY:-}" ]; then
  if [ ! -s "$ROOT/var/secret_key" ]; then
    (umask 077; "$APP_PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$ROOT/var/secret_key")
  fi
  LEADBOT_SECRET_KEY="$(cat "$ROOT/var/secret_key")"
fi
export LEADBOT_SECRET_KEY

ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
export RASA_URLS="${RASA_URLS:-http://127.0.0.1:$RASA_PORT}"

# Migrations and operator files first: a bad scoring.yml or an unreachable database stops
# here with one clear line, before anything listens.
say "checking scoring.yml and migrating the lead store"
"$APP_PY" -m bot.bootstrap

pids=()
stop() { trap - INT TERM EXIT; [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap stop INT TERM EXIT

say "action server on 127.0.0.1:$ACTIONS_PORT (log: var/log/actions.log)"
# rasa_sdk binds 0.0.0.0 unless SANIC_HOST says otherwise: keep it internal.
SANIC_HOST="${SANIC_HOST:-127.0.0.1}" "$APP_PY" -m rasa_sdk --actions actions --port "$ACTIONS_PORT" \
  >"$ROOT/var/log/actions.log" 2>&1 &
pids+=($!)

say "Rasa on 127.0.0.1:$RASA_PORT: REST channel /webhooks/rest/webhook, HTTP API with token (log: var/log/rasa.log)"
"$RASA_PY" scripts/rasa_serve.py run --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml \
  --interface 127.0.0.1 --port "$RASA_PORT" --enable-api --auth-token "$RASA_TOKEN" \
  --log-file "$ROOT/var/log/rasa.log" >/dev/null 2>&1 &
pids+=($!)

say "bot web app on ${LEADBOT_HOST:-127.0.0.1}:${LEADBOT_PORT:-8080}: leads API /api/leads (bearer LEADBOT_API_TOKEN) (log: var/log/bot.log)"
"$APP_PY" -m bot.web >"$ROOT/var/log/bot.log" 2>&1 &
pids+=($!)

say "waiting for Rasa to load the model (about a minute)..."
for _ in $(seq 1 180); do
  if curl -fsS "http://127.0.0.1:$RASA_PORT/status?token=$RASA_TOKEN" >/dev/null 2>&1; then
    say "ready: try  curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"hi\"}'"
    say "leads:      curl -s -H \"Authorization: Bearer \$(cat var/api_token)\" localhost:${LEADBOT_PORT:-8080}/api/leads"
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "a process stopped during start-up: see var/log/"
  done
  sleep 1
done
wait -n "${pids[@]}" || true
die "a process stopped: see var/log/"
