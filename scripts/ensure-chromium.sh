#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright's own browser download cannot be used).
# Installs it when it is missing; CHROMIUM_PATH may point at another Chromium.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "chromium is missing and this user cannot install it. Run: apt-get install -y chromium (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
fi
echo "Installing Debian's chromium for the browser tests…"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
