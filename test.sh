#!/usr/bin/env bash
# Builds Baton and runs every test. Installs what a fresh machine lacks, starts the real servers the tests need on
# loopback, and ends with one line "N passed, N failed". Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

results="$(mktemp -d "${TMPDIR:-/tmp}/baton-test.XXXXXX")"
cleanup() { rm -rf "$results"; }
trap cleanup EXIT

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (dotnet) is required; see global.json for the version" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# Debian packages the tests drive for real (a command, or the absolute path of a helper that is not on PATH, and the
# package that provides it). Commands run under setsid and setpriv (util-linux), so that they die with the worker that
# started them. runc is in /usr/sbin, which a normal user's PATH lacks. The container tests need the static busybox
# (busybox-static) to make their images, and iptables, which netavark runs to set up every bridge network (without it
# a container on one does not start: "netavark: No such file or directory"). The SSH host tests build their image with
# debootstrap (in /usr/sbin) and make keys and connect with OpenSSH's ssh-keygen and ssh (openssh-client).
need_packages=()
for pair in "python3:python3" "setsid:util-linux" "setpriv:util-linux" "nginx:nginx" "pg_config:postgresql" "node:nodejs" "npm:npm" "chromium:chromium" \
            "podman:podman" "runc:runc" "/usr/lib/podman/netavark:netavark" "iptables:iptables" "busybox:busybox-static" \
            "curl:curl" "openssl:openssl" "debootstrap:debootstrap" "ssh:openssh-client" "ssh-keygen:openssh-client"; do
  program="${pair%%:*}"
  case "$program" in
    /*) [ -x "$program" ] || need_packages+=("${pair#*:}") ;;
    *) command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || need_packages+=("${pair#*:}") ;;
  esac
done
if [ "${#need_packages[@]}" -gt 0 ]; then
  echo "==> installing ${need_packages[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}"
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}"
  fi
fi

# The S3 tests run s3rver, pinned by tests/tools/s3rver/package-lock.json.
if [ ! -d tests/tools/s3rver/node_modules ]; then
  echo "==> installing s3rver (npm ci)"
  (cd tests/tools/s3rver && npm ci --no-audit --no-fund)
fi

echo "==> restore and build (warnings are errors)"
if ! dotnet build Baton.slnx -c Release -nologo -v:q -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

echo "==> tests"
# One test project at a time: several of them drive real servers, containers, browsers and timed rollouts, and on a
# two-core machine running them side by side starves each other's deadlines. Each project still runs its own test
# classes in parallel.
status=0
for project in $(sed -n 's#.*<Project Path="\(tests/[^"]*\.Tests\.csproj\)".*#\1#p' Baton.slnx); do
  echo "==> $project"
  dotnet test "$project" -c Release --no-build -nologo -v:q \
    --logger "trx;LogFileName=$(basename "$project" .csproj).trx" --results-directory "$results" || status=$?
done

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done

if [ "$failed" -gt 0 ]; then
  # Say which tests failed and why, from the result files (the console only names them).
  python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in glob.glob(sys.argv[1] + "/*.trx"):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") == "Failed":
            message = result.find(".//t:Message", ns)
            trace = result.find(".//t:StackTrace", ns)
            print("FAILED", result.get("testName"))
            print("  " + ((message.text or "") if message is not None else "").strip()[:3000].replace("\n", "\n  "))
            if trace is not None and trace.text:
                print("  " + "\n  ".join(trace.text.strip().splitlines()[:6]))
PY
fi

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failing test (a crash, a missing result file): count it as a failure.
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  failed=1
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
