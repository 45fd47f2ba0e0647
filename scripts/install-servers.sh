#!/usr/bin/env bash
# Installs the servers the platform runs privately (never as system services): PostgreSQL, Redis, RabbitMQ, and
# curl and openssl for scripts/token.sh (the token recipe the AppHost prints, which the end-to-end tests run), and
# Chromium, the browser the dashboard's end-to-end test drives with Playwright.
# The AppHost installs the servers by itself when it can; tests and CI call this first.
set -euo pipefail
packages="postgresql redis-server rabbitmq-server curl openssl chromium"
have() { ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && [ -x /usr/bin/redis-server ] \
           && [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && command -v epmd >/dev/null \
           && command -v curl >/dev/null && command -v openssl >/dev/null && [ -x /usr/bin/chromium ]; }
have && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "PostgreSQL, Redis, RabbitMQ, curl, openssl and Chromium are needed. Install them with:" >&2
  echo "  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $packages'" >&2
  exit 1
fi
echo "Installing $packages from Debian's packages..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
have
