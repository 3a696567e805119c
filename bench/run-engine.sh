#!/usr/bin/env bash
# Engine benchmarks: apply, no-op plan and destroy of 1,000 / 10,000 / 100,000 zero-latency sim resources, then the
# scheduling ratio on 2,000 resources with 10–200 ms latencies at parallelism 32 and unlimited. Prints markdown.
# Each size runs in its own process, so the peak working set belongs to that size alone.
# REPEAT_SMALL (default 5) and REPEAT_LARGE (default 1) set the runs per size; the tables show medians.
set -euo pipefail
cd "$(dirname "$0")/.."

repeat_small="${REPEAT_SMALL:-5}"
repeat_large="${REPEAT_LARGE:-1}"
repeat_schedule="${REPEAT_SCHEDULE:-3}"
dotnet build -c Release bench/Baton.Bench -v quiet -nologo > /dev/null
bench=(dotnet bench/Baton.Bench/bin/Release/net10.0/baton-bench.dll)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| resources | edges | runs | load+bind ms | plan ms | apply ms | load→applied ms | apply µs/resource | no-op plan (refresh) ms | no-op plan (no refresh) ms | destroy (plan+apply) ms | destroy µs/resource | first run load→applied ms | peak working set MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
"${bench[@]}" apply --resources 1000 --repeat "$repeat_small" --format markdown
"${bench[@]}" apply --resources 10000 --repeat "$repeat_small" --format markdown
"${bench[@]}" apply --resources 100000 --repeat "$repeat_large" --format markdown
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| resources | parallelism | critical path ms | total latency ms | lower bound ms | ideal eager schedule ms (÷ bound) | apply ms (median) | ratio apply ÷ bound | apply ÷ ideal schedule | runs | peak working set MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
"${bench[@]}" apply --resources 2000 --latency 10ms-200ms --parallelism 32 --repeat "$repeat_schedule" --format markdown
"${bench[@]}" apply --resources 2000 --latency 10ms-200ms --parallelism 0 --repeat "$repeat_schedule" --format markdown
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
