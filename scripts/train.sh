#!/usr/bin/env bash
# Trains the Rasa model only when its inputs changed: config.yml, domain.yml, data/, our
# own graph components (components/) and the rasa environment's lock file. Models are cached by that hash outside the clone.
# Prints the path of the model to serve on stdout.
source "$(dirname "$0")/lib.sh"

key="$(hash_files "$ROOT/config.yml" "$ROOT/domain.yml" "$ROOT/data" "$ROOT/components" "$ROOT/requirements/rasa.lock" "$ROOT/requirements/spacy-model.txt")"
name="leadbot-$key"
model="$ROOT/models/$name.tar.gz"
mkdir -p "$ROOT/models"

if [ -f "$model" ]; then
  say "model up to date ($name)"
else
  cached="$(cached_model "$name" config.yml domain.yml data)"
  cp "$cached" "$model"
fi
# Keep only the current model in models/ so `rasa run` and `rasa test` pick the right one.
find "$ROOT/models" -maxdepth 1 -name 'leadbot-*.tar.gz' ! -name "$name.tar.gz" -delete
echo "$model"
