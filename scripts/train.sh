#!/usr/bin/env bash
# Trains the Rasa model only when its inputs changed: config.yml, domain.yml, data/ and
# the rasa environment's lock file. Models are cached by that hash outside the clone.
# Prints the path of the model to serve on stdout.
source "$(dirname "$0")/lib.sh"

key="$(hash_files "$ROOT/config.yml" "$ROOT/domain.yml" "$ROOT/data" "$ROOT/requirements/rasa.lock" "$ROOT/requirements/spacy-model.txt")"
name="leadbot-$key"
model="$ROOT/models/$name.tar.gz"
cached="$CACHE/models/$name.tar.gz"
mkdir -p "$ROOT/models" "$CACHE/models"

if [ -f "$model" ]; then
  say "model up to date ($name)"
elif [ -f "$cached" ]; then
  say "model restored from cache ($name)"
  cp "$cached" "$model"
else
  say "training the model ($name): data, domain or config changed"
  (cd "$ROOT" && "$RASA_PY" -m rasa train --fixed-model-name "$name" --out models >&2)
  cp "$model" "$cached.tmp" && mv "$cached.tmp" "$cached"
fi
# Keep only the current model in models/ so `rasa run` and `rasa test` pick the right one.
find "$ROOT/models" -maxdepth 1 -name 'leadbot-*.tar.gz' ! -name "$name.tar.gz" -delete
echo "$model"
