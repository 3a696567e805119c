#!/usr/bin/env bash
# Fuzzes the stack reader (YAML, shape check, binding) and the strict UTF-8 decoder for a given time, default ten
# minutes each: the CsCheck properties of tests/Baton.Libraries.Tests/Language/Spec/StackReaderFuzzTests.cs, which the test suite
# runs for three seconds. A crash prints the CsCheck seed that reproduces it (CsCheck_Seed=... with the same filter).
#   bench/fuzz-stack-reader.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"

dotnet build -c Release tests/Baton.Libraries.Tests -v quiet -nologo > /dev/null
BATON_FUZZ_SECONDS="$seconds" dotnet test tests/Baton.Libraries.Tests -c Release --no-build \
  --filter "FullyQualifiedName~StackReaderFuzzTests" --logger "console;verbosity=detailed"
