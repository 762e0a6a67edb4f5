#!/usr/bin/env bash
# Makes sure a headless browser is present for the comparison page's screenshot test:
# Debian's chromium, installed with apt-get when missing (root on Debian, as on a CI machine).
# Elsewhere it fails with a clear message instead of letting the test fail obscurely.
set -euo pipefail
say() { printf 'chromium: %s\n' "$*" >&2; }
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  say "error: the e2e screenshot test needs Debian's chromium; install it by hand (apt-get install chromium)"
  exit 1
fi
say "installing chromium (headless browser for the comparison page's screenshot test)"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null || { say "error: apt-get installed chromium but no chromium command is on PATH"; exit 1; }
