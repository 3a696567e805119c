#!/usr/bin/env bash
# Runs the graph benchmark at 1,000 / 10,000 / 100,000 nodes and prints a markdown table.
# Each size runs in its own process, so the peak working set belongs to that size alone.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build -c Release bench/Baton.Bench -v quiet -nologo > /dev/null

echo "| nodes | edges | build ms | topo sort ms | cycles (SCC) ms | critical path ms | build+sort+cycles ms | same, first run ms | total ms | peak working set MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for nodes in 1000 10000 100000; do
  dotnet run -c Release --no-build --project bench/Baton.Bench -- graph --nodes "$nodes" --format markdown "$@"
done
