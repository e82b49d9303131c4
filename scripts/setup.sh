#!/usr/bin/env bash
# Creates what is missing: the two virtual environments (rasa, app) and the spaCy pipeline.
# Each environment is built once per hash of its lock file and reused from the cache.
source "$(dirname "$0")/lib.sh"

PY310="$(find_python310)"
PYVER="$("$PY310" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"

# pip, quiet, without the machine-specific "Location ... is ignored" index noise.
pipq() {
  local target="$1"; shift
  "$target/bin/python" -m pip -q --disable-pip-version-check "$@" 2> >(grep -v "is ignored: it is neither" >&2)
}

# build_env NAME LOCKFILE [EXTRA_HASH_INPUT...]
build_env() {
  local name="$1" lock="$2"; shift 2
  local key target
  key="$(printf '%s %s' "$PYVER" "$(hash_files "$ROOT/$lock" "$@")" | sha256sum | cut -c1-16)"
  target="$CACHE/envs/$name-$key"
  mkdir -p "$CACHE/envs"
  # Two checkouts set up at once (a worktree, a second terminal) share this cache: the
  # second waits for the first build instead of installing into the same folder.
  exec {lock_fd}>"$target.lock"
  flock "$lock_fd"
  if [ ! -f "$target/.complete" ]; then
    say "building the $name environment ($lock) in $target"
    rm -rf "$target"
    mkdir -p "$CACHE/envs"
    "$PY310" -m venv "$target"
    pipq "$target" install --upgrade "pip==24.0" "setuptools<71" "wheel<0.46"
    if ! pipq "$target" install --no-deps -r "$ROOT/$lock"; then
      rm -rf "$target"; die "installing $lock failed (see the pip output above)"
    fi
    for extra in "$@"; do
      if ! pipq "$target" install --no-deps --require-hashes -r "$extra"; then
        rm -rf "$target"; die "installing $extra failed (see the pip output above)"
      fi
    done
    "$target/bin/python" -m pip check >/dev/null || { "$target/bin/python" -m pip check; rm -rf "$target"; die "the $name environment is inconsistent"; }
    touch "$target/.complete"
  fi
  flock -u "$lock_fd"
  exec {lock_fd}>&-
  mkdir -p "$VENV"
  ln -sfn "$target" "$VENV/$name"
}

build_env rasa requirements/rasa.lock "$ROOT/requirements/spacy-model.txt"
build_env app requirements/app.lock

# Rasa loads a copy of spaCy's model with the pipes it never reads switched off
# (scripts/spacy_model.py), made once per model and script version, through a stable
# project-relative link (config.yml names var/spacy/en_core_web_sm).
lean="$CACHE/spacy/en_core_web_sm-$(hash_files "$ROOT/requirements/spacy-model.txt" "$ROOT/scripts/spacy_model.py")"
mkdir -p "$CACHE/spacy"
exec {lock_fd}>"$lean.lock"
flock "$lock_fd"
if [ ! -f "$lean/config.cfg" ]; then
  say "preparing the spaCy pipeline for Rasa in $lean"
  mkdir -p "$CACHE/spacy"
  rm -rf "$lean" "$lean.tmp"
  "$RASA_PY" "$ROOT/scripts/spacy_model.py" "$lean" \
    || die "preparing the spaCy pipeline failed (see above)"
fi
exec {lock_fd}>&-
mkdir -p "$ROOT/var/spacy"
ln -sfn "$lean" "$ROOT/var/spacy/en_core_web_sm"
say "environments ready: .venv/rasa, .venv/app; spaCy model at var/spacy/en_core_web_sm"
