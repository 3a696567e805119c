#!/usr/bin/env bash
# Compute drivers side by side: one busybox httpd service (HTTP health check, rolling update with max_surge 1 /
# max_unavailable 0) run by process.service and by container.service on a private Podman service, through the engine
# in process, for 3 and 10 replicas; next to the same replicas started and removed without Baton. Prints markdown.
# Each size runs in its own process (its own Podman service), alternating the drivers run by run.
# REPEAT (default 5) sets the measured runs per size and driver, WARMUP (default 1) the uncounted ones before them.
set -euo pipefail
cd "$(dirname "$0")/.."

repeat="${REPEAT:-5}"
warmup="${WARMUP:-1}"
dotnet build -c Release bench/Baton.Bench -v quiet -nologo > /dev/null
bench=(dotnet bench/Baton.Bench/bin/Release/net10.0/baton-bench.dll)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| replicas | driver | runs | apply until healthy ms | no-op plan (refresh) ms | rolling update ms | heal (plan+apply) ms | heal's plan ms | destroy ms | raw start ms | raw start→serving ms | raw stop+remove ms | apply ÷ raw serving | destroy ÷ raw remove | raw API ms (version / list / inspect) | peak working set MB |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
"${bench[@]}" compute --replicas 3 --repeat "$repeat" --warmup "$warmup" --format markdown
between="$(cut -d' ' -f1-3 /proc/loadavg)"
"${bench[@]}" compute --replicas 10 --repeat "$repeat" --warmup "$warmup" --format markdown
echo
echo "load average between the sizes: $between, after: $(cut -d' ' -f1-3 /proc/loadavg)"
