#!/usr/bin/env bash
# Workflow runtime on SQLite: durable transitions per second and step dispatch latency for 1,000 concurrent runs of a
# 10-step no-op workflow (a chain, then a small DAG), and at 100 and 10 concurrent runs to show latency against load;
# next to the disk's own limit, measured in the same process (an 8 KiB write + fsync loop in the same directory) and,
# when PostgreSQL's pg_test_fsync is installed, by it as well. Prints markdown; the table shows medians.
# REPEAT (default 5) sets the measured repetitions per row.
set -euo pipefail
cd "$(dirname "$0")/.."

repeat="${REPEAT:-5}"
dotnet build -c Release bench/Baton.Bench -v quiet -nologo > /dev/null
bench=(dotnet bench/Baton.Bench/bin/Release/net10.0/baton-bench.dll)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| runs | steps | transitions | repetitions | execute ms | all runs started ms | transitions/s | dispatch p50 ms | dispatch p99 ms | transitions/commit | fsyncs/s (same run) | transitions/s ÷ fsyncs/s | run creates/s | peak working set MB |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
"${bench[@]}" workflows --repeat "$repeat" --format markdown
"${bench[@]}" workflows --shape dag --repeat "$repeat" --format markdown
"${bench[@]}" workflows --runs 100 --repeat "$repeat" --format markdown
"${bench[@]}" workflows --runs 10 --repeat "$repeat" --format markdown
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

pg_test_fsync=""
if command -v pg_config > /dev/null && [ -x "$(pg_config --bindir)/pg_test_fsync" ]; then
  pg_test_fsync="$(pg_config --bindir)/pg_test_fsync"
else
  for candidate in /usr/lib/postgresql/*/bin/pg_test_fsync; do
    [ -x "$candidate" ] && pg_test_fsync="$candidate"
  done
fi

if [ -n "$pg_test_fsync" ]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  echo
  echo "pg_test_fsync (same file system, 2 s per test), one 8kB write per sync:"
  echo '```'
  "$pg_test_fsync" -f "$scratch/pg_test_fsync.out" -s 2 | awk '/^Compare file sync methods using one 8kB write/ { on = 1; next } on && /^$/ { exit } on && /ops\/sec/' 
  echo '```'
fi
