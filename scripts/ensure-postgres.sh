#!/usr/bin/env bash
# The storage tests also run on a real PostgreSQL: a throwaway cluster the test setup creates with
# Debian's server binaries (initdb, postgres). Installs them when they are missing;
# POSTGRES_BIN may point at another folder holding initdb, pg_ctl and postgres.
set -euo pipefail
if [ -n "${POSTGRES_BIN:-}" ] && [ -x "${POSTGRES_BIN}/postgres" ]; then exit 0; fi
if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "PostgreSQL is missing and this user cannot install it. Run: apt-get install -y postgresql (or set POSTGRES_BIN)" >&2
    exit 1
  fi
fi
echo "Installing Debian's postgresql for the storage tests…"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
