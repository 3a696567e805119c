#!/usr/bin/env bash
# A/B comparison at two or more revisions, side by side in one session: builds each revision's benchmark in a
# temporary worktree, then runs them in turn RUNS times (default 3) and prints the markdown rows with the revision.
# KIND=apply (default): the engine's apply of RESOURCES (default 10,000) zero-latency sim resources.
# KIND=workflows: the workflow runtime, 1,000 concurrent runs of a 10-step chain (`baton-bench workflows`).
# Usage: [KIND=apply|workflows] bench/run-ab.sh REV_A REV_B [REV ...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -lt 2 ]; then
  echo "usage: bench/run-ab.sh REV_A REV_B [REV ...]" >&2
  exit 2
fi
revisions=("$@")
runs="${RUNS:-3}"
resources="${RESOURCES:-10000}"
kind="${KIND:-apply}"
case "$kind" in
  apply)
    header="| revision | resources | edges | runs | load+bind ms | plan ms | apply ms | load→applied ms | apply µs/resource | no-op plan (refresh) ms | no-op plan (no refresh) ms | destroy (plan+apply) ms | destroy µs/resource | first run load→applied ms | peak working set MB |"
    align="|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    args=(apply --resources "$resources" --repeat 1 --format markdown) ;;
  workflows)
    header="| revision | runs | steps | transitions | repetitions | execute ms | all runs started ms | transitions/s | dispatch p50 ms | dispatch p99 ms | transitions/commit | fsyncs/s (same run) | transitions/s ÷ fsyncs/s | run creates/s | peak working set MB |"
    align="|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    args=(workflows --repeat 1 --format markdown) ;;
  *) echo "KIND must be apply or workflows" >&2; exit 2 ;;
esac
work="$(mktemp -d "${TMPDIR:-/tmp}/baton-ab.XXXXXX")"
cleanup() {
  for i in "${!revisions[@]}"; do git worktree remove --force "$work/$i" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for i in "${!revisions[@]}"; do
  git worktree add -q --detach "$work/$i" "${revisions[$i]}"
  dotnet build -c Release "$work/$i/bench/Baton.Bench" -v quiet -nologo > /dev/null
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$header"
echo "$align"
for _ in $(seq "$runs"); do
  for i in "${!revisions[@]}"; do
    row="$(cd "$work/$i" && dotnet bench/Baton.Bench/bin/Release/net10.0/baton-bench.dll "${args[@]}" | tail -n 1)"
    echo "| ${revisions[$i]} $row"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
