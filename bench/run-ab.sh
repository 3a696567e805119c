#!/usr/bin/env bash
# A/B comparison of the engine's apply at two revisions, side by side in one session: builds each revision's
# benchmark in a temporary worktree, then alternates them RUNS times (default 3) on the same stack of RESOURCES
# (default 10,000) zero-latency sim resources, and prints the markdown rows of `baton-bench apply` with the revision.
# Usage: bench/run-ab.sh REV_A REV_B
set -euo pipefail
cd "$(dirname "$0")/.."
a="${1:?usage: bench/run-ab.sh REV_A REV_B}"
b="${2:?usage: bench/run-ab.sh REV_A REV_B}"
runs="${RUNS:-3}"
resources="${RESOURCES:-10000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/baton-ab.XXXXXX")"
cleanup() { git worktree remove --force "$work/a" >/dev/null 2>&1 || true; git worktree remove --force "$work/b" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for side in a b; do
  rev="$a"; [ "$side" = b ] && rev="$b"
  git worktree add -q --detach "$work/$side" "$rev"
  dotnet build -c Release "$work/$side/bench/Baton.Bench" -v quiet -nologo > /dev/null
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| revision | resources | edges | runs | load+bind ms | plan ms | apply ms | load→applied ms | apply µs/resource | no-op plan (refresh) ms | no-op plan (no refresh) ms | destroy (plan+apply) ms | destroy µs/resource | first run load→applied ms | peak working set MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for _ in $(seq "$runs"); do
  for side in a b; do
    rev="$a"; [ "$side" = b ] && rev="$b"
    row="$(cd "$work/$side" && dotnet bench/Baton.Bench/bin/Release/net10.0/baton-bench.dll apply --resources "$resources" --repeat 1 --format markdown | tail -n 1)"
    echo "| $rev $row"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
