#!/usr/bin/env bash
# `make run`: set up what is missing, train when data changed, migrate the lead store, then
# start the action server, Rasa (localhost only) and the bot web app on the embedded
# default (SQLite under var/), supervised: a process that exits is restarted (see
# scripts/supervise.py). Ctrl-C stops everything.
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
export ACTIONS_URL="${ACTIONS_URL:-http://127.0.0.1:$ACTIONS_PORT}"  # for /readyz

# Migrations and operator files first: a bad scoring.yml or an unreachable database stops
# here with one clear line, before anything listens.
say "checking scoring.yml and migrating the lead store"
"$APP_PY" -m bot.bootstrap

say "action server on 127.0.0.1:$ACTIONS_PORT, Rasa on 127.0.0.1:$RASA_PORT (REST channel, HTTP API with token), bot web app on ${LEADBOT_HOST:-127.0.0.1}:${LEADBOT_PORT:-8080} (logs: var/log/)"
say "Rasa loads its model in about a minute; then open the demo page with the chat widget:"
say "  http://${LEADBOT_HOST:-127.0.0.1}:${LEADBOT_PORT:-8080}/"
say "or talk to Rasa directly:"
say "  curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"hi\"}'"
say "  curl -s -H \"Authorization: Bearer \$(cat var/api_token)\" localhost:${LEADBOT_PORT:-8080}/api/leads"
# The supervisor (scripts/supervise.py) starts the three processes and restarts one that
# exits, with backoff; it gives up only on a crash loop. Ctrl-C stops everything.
export ACTIONS_PORT RASA_PORT
exec "$APP_PY" scripts/supervise.py --model "$MODEL" --log-dir "$ROOT/var/log" --pid-dir "$ROOT/var/run"
