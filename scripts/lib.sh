# Shared helpers for the scripts: sourced, not run.
# Everything heavy (virtual environments, trained models) is cached outside the clone,
# keyed by a hash of its inputs, so a fresh clone on the same machine reuses it.
set -euo pipefail
# TensorFlow (inside Rasa) is chatty about missing GPUs: keep its warnings and errors only.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${LEADBOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leadbot}"
VENV="$ROOT/.venv"
RASA_PY="$VENV/rasa/bin/python"
APP_PY="$VENV/app/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# sha256 of files' names and contents (sorted), printed as 16 hex chars.
hash_files() {
  local f
  for f in "$@"; do
    if [ -d "$f" ]; then
      find "$f" -type f ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    elif [ -f "$f" ]; then
      sha256sum "$f"
    fi
  done | sed "s#  $ROOT/#  #" | sha256sum | cut -c1-16
}

# Python 3.10 is what Rasa 3.6 and rasa-sdk 3.6 support: PATH first, then pyenv.
find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" "$(command -v python3.10 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local version
    version="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n1 || true)"
    if [ -n "$version" ] && [ -x "$(pyenv root)/versions/$version/bin/python3.10" ]; then
      echo "$(pyenv root)/versions/$version/bin/python3.10"; return 0
    fi
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  die "Python 3.10 is required (Rasa 3.6 supports no newer Python) and none was found on PATH or in pyenv: install it (for example 'pyenv install 3.10') and run this again."
}

# cached_model NAME CONFIG DOMAIN DATA: the trained model's path in the cache, training it
# first when the cache has no model of that name (the name carries the inputs' hash).
# Trains from the project root (Rasa's .rasa/ cache must not land among the hashed inputs)
# on a copy of CONFIG: Rasa writes the defaults it filled in back into the config file.
cached_model() {
  local name="$1" config="$2" domain="$3" data="$4" cached out
  cached="$CACHE/models/$name.tar.gz"
  mkdir -p "$CACHE/models"
  exec {lock_fd}>"$cached.lock"  # a second checkout training the same inputs waits for the first
  flock "$lock_fd"
  if [ -f "$cached" ]; then
    say "model $name is in the cache"
  else
    say "training $name: its data, domain or config changed"
    out="$(mktemp -d)"
    cp "$ROOT/$config" "$out/config.yml"
    if ! (cd "$ROOT" && "$RASA_PY" -m rasa train --config "$out/config.yml" --domain "$domain" \
        --data "$data" --fixed-model-name "$name" --out "$out" >&2); then
      rm -rf "$out"; die "training $name failed (see the output above)"
    fi
    mkdir -p "$CACHE/models"
    cp "$out/$name.tar.gz" "$cached.tmp" && mv "$cached.tmp" "$cached"
    rm -rf "$out"
  fi
  exec {lock_fd}>&-
  echo "$cached"
}
