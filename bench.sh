#!/usr/bin/env bash
# Runs every benchmark (tests/Benchmarks) in Release through the AppHost's engine and rewrites docs/benchmarks.md.
# Bounded: about 10 minutes here (15-minute timeout). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")"
export MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
scripts/install-servers.sh
if ! command -v wrk >/dev/null || [ ! -x /usr/sbin/nginx ]; then
  [ "$(id -u)" -eq 0 ] || { echo "wrk and nginx are needed: sudo apt-get install -y wrk nginx-light" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
fi
dotnet build tests/Benchmarks -c Release -nologo -clp:ErrorsOnly
timeout 15m dotnet tests/Benchmarks/bin/Release/net10.0/MenSI.Benchmarks.dll "$@"
