#!/usr/bin/env bash
# The full crash-recovery run: SIGKILLs the real baton process at 40 random moments (or $1) of a 300-resource apply,
# re-running apply each time, then checks the sim's ground truth against state (no orphans, no duplicates, nothing
# left to do). The test suite runs the same harness with 12 kill points.
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-40}"
BATON_CRASH_KILL_POINTS="$kills" BATON_CRASH_SEED="${2:-20261123}" \
  dotnet test tests/Baton.Engine.Tests -c Release --filter "FullyQualifiedName~CrashRecoveryTests" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "kill points|Passed|Failed|Assert" 
