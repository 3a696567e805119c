#!/usr/bin/env bash
# build-rootfs.sh OUT.tar
#
# Builds the root filesystem of the test SSH hosts (tests/Baton.Testing/SshHostFleet.cs) as a tar that
# `podman import` (or the API's images/create?fromSrc=-) turns into an image. Must run as root on Debian or a
# relative; needs the Debian packages debootstrap, dpkg (dpkg-deb), util-linux (flock) and tar.
#
# The image: Debian bookworm (debootstrap --variant=minbase from deb.debian.org) with openssh-server, sudo, procps
# and python3 with python3-apt (what Ansible needs on a target), made small (no docs, man pages or locales; dpkg
# excludes them from later installs too), and
#   - /usr/local/sbin/baton-init, PID 1: creates /run/sshd, generates the ed25519 host key when there is none (the
#     image has no host keys; the fixture supplies each container's before starting it), starts the services enabled
#     in /etc/rc2.d (none by default), runs `sshd -D -e` and restarts it when it dies, reaps orphans, and on SIGTERM
#     stops the enabled services, sends every other process SIGTERM and exits 0;
#   - sshd: public keys only (no passwords), root by key, one ed25519 host key, UseDNS no, MaxSessions 100,
#     MaxStartups 200, sftp; keys from ~/.ssh/authorized_keys and /etc/ssh/authorized_keys/USER (root-owned, where
#     the fixture puts its keys);
#   - users root, deploy (uid 1000, passwordless sudo) and limited (uid 1001, no sudo), all without a password;
#   - an offline apt repository at /srv/baton-repo, the only apt source (`deb [trusted=yes] file:/srv/baton-repo ./`,
#     lists already fetched), holding packages built here:
#       baton-hello 1.0 and 1.1   /usr/bin/baton-hello prints "baton-hello VERSION"; /usr/share/baton-hello/VERSION
#       baton-daemon 1.0          /etc/init.d/baton-daemon (LSB; start|stop|restart|reload|force-reload|status) runs
#                                 /usr/sbin/baton-daemon, a small python3 HTTP server on 127.0.0.1:PORT answering
#                                 "MESSAGE reloads=N"; PORT and MESSAGE come from /etc/baton-daemon.conf (a conffile),
#                                 re-read on SIGHUP (reload); every start, reload and stop is a line in
#                                 /var/log/baton-daemon.log ("started pid=… message=…", "reloaded N message=…",
#                                 "stopped pid=…"). Installed neither started nor enabled.
#
# OUT.tar is written only when it does not exist, through a temporary file in its directory renamed into place, under
# an flock on OUT.tar.lock, so builders running at once build it once and nobody sees half a file. debootstrap's
# downloads are kept in debootstrap-debs/ beside OUT.tar, so a rebuild after a change of this script downloads only
# what changed. The fixture names OUT.tar after the first 12 hex digits of this file's SHA-256, so any change here
# builds a new image. Prints the time the build took.
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 OUT.tar" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$0: must run as root (debootstrap and chroot need it)" >&2
  exit 1
fi
for pair in debootstrap:debootstrap dpkg-deb:dpkg flock:util-linux tar:tar sha256sum:coreutils; do
  if ! command -v "${pair%%:*}" >/dev/null 2>&1 && [ ! -x "/usr/sbin/${pair%%:*}" ]; then
    echo "$0: ${pair%%:*} is not installed: install the Debian package ${pair#*:} (test.sh does)" >&2
    exit 1
  fi
done
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

out="$(realpath -m "$1")"
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9
if [ -s "$out" ]; then
  echo "$0: $out exists, nothing to build"
  exit 0
fi

started=$(date +%s%N)
work="$(mktemp -d "${TMPDIR:-/tmp}/baton-sshhost.XXXXXX")"
root="$work/root"
partial="$(mktemp "$out.partial.XXXXXX")"
cleanup() {
  # debootstrap unmounts what it mounted, unless it was interrupted.
  for mount in proc sys dev/pts dev ""; do
    if mountpoint -q "$root/$mount" 2>/dev/null; then umount -l "$root/$mount" || true; fi
  done
  rm -rf "$work" "$partial"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

debs="$(dirname "$out")/debootstrap-debs"
mkdir -p "$debs" "$root"
# In memory: dpkg syncs every file it unpacks, which on a disk is most of the build's time.
mount -t tmpfs -o size=2g,mode=0755 baton-sshhost "$root"
echo "==> debootstrap bookworm into $root"
debootstrap --variant=minbase --cache-dir="$debs" \
  --include=openssh-server,sudo,procps,python3,python3-apt \
  bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "$0: debootstrap failed" >&2
  exit 1
}
echo "    $(( ($(date +%s%N) - started) / 1000000 )) ms"

in_root() { chroot "$root" /usr/bin/env -i PATH="$PATH" HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"; }

# --- the packages of the local repository ----------------------------------------------------------------------------
pkgs="$work/pkgs"
repo="$root/srv/baton-repo"
mkdir -p "$pkgs" "$repo"

make_hello() {
  local version="$1" dir="$pkgs/baton-hello_$1"
  mkdir -p "$dir/DEBIAN" "$dir/usr/bin" "$dir/usr/share/baton-hello"
  cat >"$dir/DEBIAN/control" <<EOF
Package: baton-hello
Version: $version
Architecture: all
Maintainer: Baton tests <tests@baton.invalid>
Section: misc
Priority: optional
Description: Baton test package that prints its version
 Installs /usr/bin/baton-hello and /usr/share/baton-hello/VERSION.
EOF
  printf '%s\n' "$version" >"$dir/usr/share/baton-hello/VERSION"
  cat >"$dir/usr/bin/baton-hello" <<'EOF'
#!/bin/sh
echo "baton-hello $(cat /usr/share/baton-hello/VERSION)"
EOF
  chmod 0755 "$dir/usr/bin/baton-hello"
  dpkg-deb --root-owner-group -Zgzip --build "$dir" "$repo/baton-hello_${version}_all.deb" >/dev/null
}
make_hello 1.0
make_hello 1.1

dir="$pkgs/baton-daemon_1.0"
mkdir -p "$dir/DEBIAN" "$dir/etc/init.d" "$dir/usr/sbin"
cat >"$dir/DEBIAN/control" <<'EOF'
Package: baton-daemon
Version: 1.0
Architecture: all
Maintainer: Baton tests <tests@baton.invalid>
Depends: python3
Section: misc
Priority: optional
Description: Baton test service with an LSB init script
 A small HTTP server that re-reads /etc/baton-daemon.conf on SIGHUP and logs
 every start, reload and stop to /var/log/baton-daemon.log.
EOF
echo /etc/baton-daemon.conf >"$dir/DEBIAN/conffiles"
cat >"$dir/etc/baton-daemon.conf" <<'EOF'
# baton-daemon: re-read on reload (SIGHUP); the port only at start.
port=8081
message=hello
EOF
cat >"$dir/usr/sbin/baton-daemon" <<'EOF'
#!/usr/bin/python3
"""baton-daemon: answers GET with "MESSAGE reloads=N"; SIGHUP re-reads the configuration; logs start, reload, stop."""
import http.server
import os
import signal
import sys

CONF = "/etc/baton-daemon.conf"
LOG = "/var/log/baton-daemon.log"
state = {"port": "8081", "message": "", "reloads": 0}


def load():
    with open(CONF, encoding="utf-8") as conf:
        for line in conf:
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                state[key.strip()] = value.strip()


def log(line):
    with open(LOG, "a", encoding="utf-8") as out:
        out.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{state['message']} reloads={state['reloads']}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def reload(signum, frame):
    state["reloads"] += 1
    load()
    log(f"reloaded {state['reloads']} message={state['message']}")


def stop(signum, frame):
    log(f"stopped pid={os.getpid()}")
    sys.exit(0)


load()
server = http.server.HTTPServer(("127.0.0.1", int(state["port"])), Handler)
signal.signal(signal.SIGHUP, reload)
signal.signal(signal.SIGTERM, stop)
log(f"started pid={os.getpid()} message={state['message']}")
server.serve_forever(poll_interval=0.2)
EOF
chmod 0755 "$dir/usr/sbin/baton-daemon"
cat >"$dir/etc/init.d/baton-daemon" <<'EOF'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          baton-daemon
# Required-Start:    $local_fs
# Required-Stop:     $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: Baton test service
# Description:       A small HTTP server that logs every start, reload and stop.
### END INIT INFO
set -u
NAME=baton-daemon
DAEMON=/usr/sbin/baton-daemon
PIDFILE=/run/baton-daemon.pid
[ -x "$DAEMON" ] || exit 5

# Matched by name: the kernel names a script after its file, so the python3 process is "baton-daemon".
running() { start-stop-daemon --status --pidfile "$PIDFILE" --name "$NAME"; }

do_start() {
  if running; then echo "$NAME is already running"; return 0; fi
  start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$PIDFILE" \
    --name "$NAME" --startas "$DAEMON" || return 1
  # Started means serving: wait until it logged its start (at most 5 s).
  i=0
  while [ "$i" -lt 50 ]; do
    if running && grep -q "^started pid=$(cat "$PIDFILE") " /var/log/baton-daemon.log 2>/dev/null; then
      echo "Started $NAME"; return 0
    fi
    i=$((i + 1)); sleep 0.1
  done
  echo "$NAME did not start" >&2; return 1
}

do_stop() {
  start-stop-daemon --stop --quiet --retry TERM/5/KILL/2 --pidfile "$PIDFILE" --name "$NAME" --remove-pidfile
  case $? in
    0) echo "Stopped $NAME"; return 0 ;;
    1) rm -f "$PIDFILE"; echo "$NAME is not running"; return 0 ;;
    *) return 1 ;;
  esac
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  reload|force-reload)
    if ! running; then echo "$NAME is not running" >&2; exit 7; fi
    kill -HUP "$(cat "$PIDFILE")" && echo "Reloaded $NAME" ;;
  status)
    running; status=$?
    case $status in
      0) echo "$NAME is running (pid $(cat "$PIDFILE"))" ;;
      1) echo "$NAME is not running but $PIDFILE exists" ;;
      *) echo "$NAME is not running" ;;
    esac
    exit "$status" ;;
  *) echo "Usage: /etc/init.d/$NAME {start|stop|restart|reload|force-reload|status}" >&2; exit 2 ;;
esac
EOF
chmod 0755 "$dir/etc/init.d/baton-daemon"
dpkg-deb --root-owner-group -Zgzip --build "$dir" "$repo/baton-daemon_1.0_all.deb" >/dev/null

# The flat repository's index: each package's control fields, then where it is and its hashes.
(
  cd "$repo"
  for deb in *.deb; do
    dpkg-deb -f "$deb"
    echo "Filename: ./$deb"
    echo "Size: $(stat -c %s "$deb")"
    echo "MD5sum: $(md5sum "$deb" | cut -d' ' -f1)"
    echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"
    echo
  done >Packages
  cat >Release <<EOF
Origin: baton
Label: baton
Suite: baton
Codename: baton
Architectures: all amd64
Date: $(LC_ALL=C date -Ru)
SHA256:
 $(sha256sum Packages | cut -d' ' -f1) $(stat -c %s Packages) Packages
EOF
)
chmod -R a+rX "$repo"
echo 'deb [trusted=yes] file:/srv/baton-repo ./' >"$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*
in_root apt-get update -qq
policy="$(in_root apt-cache policy baton-hello)"
if ! grep -q 'Candidate: 1.1' <<<"$policy"; then
  echo "$policy" >&2
  echo "$0: the local repository does not offer baton-hello 1.1" >&2
  exit 1
fi

# --- users, sudo, sshd -----------------------------------------------------------------------------------------------
in_root useradd --uid 1000 --user-group --create-home --shell /bin/bash deploy
in_root useradd --uid 1001 --user-group --create-home --shell /bin/bash limited
# "*": no password works, but the account is not locked ("!"), which sshd refuses even for keys.
in_root usermod --password '*' root
in_root usermod --password '*' deploy
in_root usermod --password '*' limited
echo 'deploy ALL=(ALL:ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/deploy"
chmod 0440 "$root/etc/sudoers.d/deploy"
in_root visudo -c -q

rm -f "$root"/etc/ssh/ssh_host_*
rm -f "$root"/etc/ssh/sshd_config.d/*
mkdir -p "$root/etc/ssh/authorized_keys"
chmod 0755 "$root/etc/ssh/authorized_keys"
cat >"$root/etc/ssh/sshd_config" <<'EOF'
# Baton test host: public keys only, root by key, many sessions and connections at once.
ListenAddress 0.0.0.0
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
UsePAM no
UseDNS no
MaxSessions 100
MaxStartups 200
MaxAuthTries 10
LoginGraceTime 30
PrintMotd no
PrintLastLog no
X11Forwarding no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
mkdir -p "$root/run/sshd"
in_root ssh-keygen -q -t ed25519 -N '' -C '' -f /tmp/check_host_key
# (It also says it cannot load the configured host key, which the image leaves out.)
if ! check="$(in_root /usr/sbin/sshd -t -f /etc/ssh/sshd_config -h /tmp/check_host_key 2>&1)"; then
  echo "$check" >&2
  echo "$0: sshd rejects its configuration" >&2
  exit 1
fi
rm -f "$root"/tmp/check_host_key*

# --- init ------------------------------------------------------------------------------------------------------------
# No service starts at boot unless a test enables it (update-rc.d NAME defaults).
rm -f "$root"/etc/rc[0-6S].d/[SK]*
cat >"$root/usr/local/sbin/baton-init" <<'EOF'
#!/bin/bash
# baton-init: PID 1 of a Baton test SSH host. Runs sshd (restarting it when it dies) and the services enabled in
# /etc/rc2.d, reaps orphans, and on SIGTERM or SIGINT stops the enabled services, ends every other process and exits 0.
set -u
log() { echo "baton-init: $*" >&2; }
stopping=0
sshd_pid=""
trap 'stopping=1; if [ -n "$sshd_pid" ]; then kill -TERM "$sshd_pid" 2>/dev/null; fi' TERM INT

# A restarted container keeps its files: pid files of the previous run are stale.
rm -f /run/*.pid
mkdir -p /run/sshd
chmod 0755 /run/sshd
if [ ! -s /etc/ssh/ssh_host_ed25519_key ]; then
  ssh-keygen -q -t ed25519 -N '' -C '' -f /etc/ssh/ssh_host_ed25519_key
fi

enabled() { for link in /etc/rc2.d/S*; do if [ -x "$link" ] && [ "${link##*/S??}" != ssh ]; then echo "$link"; fi; done; }
for link in $(enabled); do
  "$link" start || log "$link start failed"
done

while [ "$stopping" -eq 0 ]; do
  /usr/sbin/sshd -D -e &
  sshd_pid=$!
  # wait returns early when a trapped signal arrives; bash reaps any other child meanwhile.
  while kill -0 "$sshd_pid" 2>/dev/null; do wait "$sshd_pid"; status=$?; done
  if [ "$stopping" -eq 0 ]; then
    log "sshd exited (${status:-?}), starting it again"
    sleep 1
  fi
done

for link in $(enabled | sort -r); do
  "$link" stop || log "$link stop failed"
done
kill -TERM -1 2>/dev/null
for _ in $(seq 50); do
  others=0
  for entry in /proc/[0-9]*; do
    pid=${entry#/proc/}
    if [ "$pid" != 1 ] && [ "$pid" != "$BASHPID" ] && [ -e "$entry/exe" ]; then others=1; break; fi
  done
  [ "$others" -eq 0 ] && break
  sleep 0.1
  wait -n 2>/dev/null
done
exit 0
EOF
chmod 0755 "$root/usr/local/sbin/baton-init"

# --- smaller -----------------------------------------------------------------------------------------------------------
cat >"$root/etc/dpkg/dpkg.cfg.d/baton-small" <<'EOF'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
in_root apt-get clean
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
  "$root"/usr/share/lintian/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
  "$root"/tmp/* "$root"/var/tmp/* "$root"/root/.bash_history
find "$root/var/log" -type f -exec truncate -s 0 {} +
: >"$root/etc/machine-id"

echo "==> tar"
tar --numeric-owner --xattrs --xattrs-include='security.capability' -C "$root" \
  --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
  -cf "$partial" .
chmod 0644 "$partial"
mv -f "$partial" "$out"
echo "$0: built $out ($(( $(stat -c %s "$out") / 1048576 )) MiB) in $(( ($(date +%s%N) - started) / 1000000 )) ms"
