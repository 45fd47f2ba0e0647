#!/usr/bin/env bash
# Runs every test of the platform: unit, integration (private PostgreSQL, Redis and RabbitMQ processes) and
# end-to-end (the AppHost's whole graph). Installs what is missing first, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")"
export MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

scripts/install-servers.sh
dotnet tool restore >/dev/null

dotnet build MenSI.Platform.sln -c Release -nologo -clp:ErrorsOnly

results=$(mktemp -d)
# A test process that was killed leaves its server folder (its servers died with it): reclaim those folders.
# Test servers stop when their test process exits (parent-death signal); give them a moment to finish first.
reclaim() { for _ in $(seq 50); do pgrep -f /tmp/mensi-tests- >/dev/null || break; sleep 0.2; done
  for d in /tmp/mensi-tests-*; do [ -d "$d" ] || continue; pid=$(basename "$d" | cut -d- -f3); [ -d "/proc/$pid" ] || rm -rf "$d"; done; }
trap 'reclaim; rm -rf "$results"' EXIT
set +e
dotnet test MenSI.Platform.sln -c Release --no-build --nologo \
  --blame-hang --blame-hang-timeout 10m \
  --logger "console;verbosity=minimal" --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$results/output.txt"
status=${PIPESTATUS[0]}
set -e

# One closing line for CI, summed over the test assemblies: "N passed, N failed".
sum() { grep -oE "$1: +[0-9]+" "$results/output.txt" | awk '{ n += $2 } END { print n + 0 }'; }
echo "$(sum Passed) passed, $(sum Failed) failed"
exit "$status"
