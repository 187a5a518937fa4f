#!/usr/bin/env bash
# Make sure the local infrastructure Happy Chat needs is up, and install what
# the test-suite needs. Idempotent: safe to run any number of times.
#
#   - PostgreSQL on 127.0.0.1:5432 (started with pg_ctlcluster if not answering)
#   - RabbitMQ   on 127.0.0.1:5672 (started with rabbitmq-server -detached)
#   - RabbitMQ's management plugin (its HTTP API on 127.0.0.1:15672 provisions integration
#     accounts: their broker users, permissions and topic permissions)
#   - Debian packages the tests need, each only if missing: `chromium` (browser end-to-end
#     tests), `nginx` (scale-out test), `docker-compose` (compose file validation), `amqp-tools`
#     (the integration test publishes and consumes as a bot with a client that is not ours)
#
# Env: ENSURE_TIMEOUT_S (default 60) - how long to wait for each service.
set -euo pipefail

TIMEOUT_S="${ENSURE_TIMEOUT_S:-60}"
export DEBIAN_FRONTEND=noninteractive
# No needrestart run after installs: it could restart PostgreSQL or RabbitMQ under the tests.
export NEEDRESTART_SUSPEND=1

log() { printf '[ensure-services] %s\n' "$*"; }
die() { printf '[ensure-services] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root (directly when we are root, else through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# One overall deadline for both services, counted from the start of this script.
DEADLINE=$((SECONDS + TIMEOUT_S))

# wait_until <description> <command...>: poll every second until the command
# succeeds, or fail once the overall deadline has passed.
wait_until() {
  local what="$1"; shift
  until "$@"; do
    if [ "$SECONDS" -ge "$DEADLINE" ]; then
      die "$what did not become ready within ${TIMEOUT_S}s (see its logs: /var/log/postgresql, /var/log/rabbitmq)"
    fi
    sleep 1
  done
  log "$what is ready"
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }
rabbit_ready() { timeout 15 rabbitmq-diagnostics -q ping >/dev/null 2>&1; }

# --- PostgreSQL --------------------------------------------------------------
command -v pg_isready >/dev/null 2>&1 || die "PostgreSQL client tools (pg_isready) not found; install postgresql"
if pg_ready; then
  log "PostgreSQL already answering on 127.0.0.1:5432"
else
  [ -d /etc/postgresql ] || die "no PostgreSQL cluster under /etc/postgresql"
  pg_version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  log "starting PostgreSQL $pg_version/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start \
    || log "pg_ctlcluster returned an error (the cluster may be starting already); waiting anyway"
fi

# --- RabbitMQ ----------------------------------------------------------------
command -v rabbitmq-diagnostics >/dev/null 2>&1 || die "RabbitMQ (rabbitmq-diagnostics) not found; install rabbitmq-server"
if rabbit_ready; then
  log "RabbitMQ already answering"
else
  log "starting RabbitMQ"
  as_root rabbitmq-server -detached >/dev/null 2>&1 \
    || log "rabbitmq-server -detached returned an error (it may be starting already); waiting anyway"
fi

# Both were (possibly) started concurrently above; now wait for each.
wait_until "PostgreSQL" pg_ready
wait_until "RabbitMQ" rabbit_ready

# --- RabbitMQ management API ---------------------------------------------------
# Shipped with the broker (no download); enabling it on a running node takes seconds.
management_ready() { curl -fsS -o /dev/null -u guest:guest http://127.0.0.1:15672/api/overview; }
if management_ready; then
  log "RabbitMQ management API already answering"
else
  log "enabling rabbitmq_management"
  as_root rabbitmq-plugins enable rabbitmq_management >/dev/null
  wait_until "RabbitMQ management API" management_ready
fi

# --- Test dependencies -------------------------------------------------------
# Debian packages the tests use, each installed only when its command is missing:
#   chromium        browser end-to-end tests
#   nginx           the scale-out test runs it (as a child process, never as the system service)
#   docker-compose  the compose test validates docker-compose.yml with `docker-compose config`
apt_opts=(-q -o DPkg::Lock::Timeout=600)
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    # Wait for the dpkg/apt lock instead of failing if another apt run is in progress.
    as_root apt-get "${apt_opts[@]}" update
    apt_updated=1
  fi
  as_root apt-get "${apt_opts[@]}" install -y "$@" </dev/null
}

if [ -x /usr/bin/chromium ]; then
  log "chromium already installed"
else
  log "installing chromium (apt-get)"
  apt_install chromium
  [ -x /usr/bin/chromium ] || die "chromium installation did not produce /usr/bin/chromium"
  log "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
fi

# Korean and emoji glyphs, so the browser tests' screenshots (docs/screenshots) show real text.
if [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] && [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
  log "Korean and emoji fonts already installed"
else
  log "installing fonts-nanum and fonts-noto-color-emoji (apt-get)"
  apt_install --no-install-recommends fonts-nanum fonts-noto-color-emoji
fi

if [ -x /usr/sbin/nginx ]; then
  log "nginx already installed"
else
  log "installing nginx (apt-get)"
  # The package would start the system nginx on port 80; the tests only run their own nginx as a
  # child process, so forbid service starts for the length of the install (policy-rc.d, exit 101).
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    added_policy=1
  fi
  install_rc=0
  apt_install --no-install-recommends nginx || install_rc=$?
  if [ "$added_policy" -eq 1 ]; then as_root rm -f "$policy"; fi
  [ "$install_rc" -eq 0 ] || die "apt-get install nginx failed (exit $install_rc)"
  [ -x /usr/sbin/nginx ] || die "nginx installation did not produce /usr/sbin/nginx"
  log "nginx installed: $(/usr/sbin/nginx -v 2>&1)"
fi

if command -v docker-compose >/dev/null 2>&1; then
  log "docker-compose already installed"
else
  log "installing docker-compose (apt-get)"
  # Without recommends: only the compose CLI is needed, not a Docker engine.
  apt_install --no-install-recommends docker-compose
  command -v docker-compose >/dev/null 2>&1 || die "docker-compose installation did not produce docker-compose"
  log "docker-compose installed: $(docker-compose version --short 2>/dev/null || echo unknown version)"
fi

if command -v amqp-publish >/dev/null 2>&1 && command -v amqp-consume >/dev/null 2>&1; then
  log "amqp-tools already installed"
else
  log "installing amqp-tools (apt-get)"
  apt_install --no-install-recommends amqp-tools
  command -v amqp-publish >/dev/null 2>&1 || die "amqp-tools installation did not produce amqp-publish"
fi

log "all good"
