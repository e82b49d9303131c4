#!/usr/bin/env bash
# What the browser tests (tests/e2e) need, set up once: Debian's chromium (Playwright's own
# browser downloads are not used) and two npm packages vendored under var/vendor/, checked
# against their registry integrity hashes: axe-core (accessibility audit) and the community
# rasa-webchat widget (the compatibility test). Skips what is already there.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

CHROMIUM="${LEADBOT_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "no chromium at $CHROMIUM: the browser tests will skip (apt-get install chromium)"
  fi
fi

VENDOR="$ROOT/var/vendor"
mkdir -p "$VENDOR"
# name@version  file inside the package  sha512 integrity of the package tarball
vendor() {
  local spec="$1" inner="$2" integrity="$3" out="$VENDOR/$4"
  [ -s "$out" ] && return 0
  command -v npm >/dev/null 2>&1 || { say "npm missing: $spec not vendored (its test will skip)"; return 0; }
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>&1) || { say "npm pack $spec failed"; rm -rf "$tmp"; return 0; }
  local tgz; tgz="$(ls "$tmp"/*.tgz)"
  local got; got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [ "$got" = "$integrity" ] || die "$spec: integrity mismatch ($got)"
  tar -xzf "$tgz" -C "$tmp" "package/$inner"
  cp "$tmp/package/$inner" "$out"
  rm -rf "$tmp"
  say "vendored $spec -> var/vendor/$4"
}
vendor axe-core@4.11.0 axe.min.js \
  "sha512-ilYanEU8vxxBexpJd8cWM4ElSQq4QctCLKih0TSfjIfCQTeyH/6zVrmIJfLPrKTKJRbiG+cfnZbQIjAlJmF1jQ==" \
  axe.min.js
vendor rasa-webchat@1.0.1 lib/index.js \
  "sha512-Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w==" \
  rasa-webchat.js
