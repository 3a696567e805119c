#!/usr/bin/env bash
# Makes the build context of the shop's web image: the application published self-contained for linux-x64, the few
# shared libraries it loads (the C and C++ runtimes, and OpenSSL for PostgreSQL's SCRAM authentication) copied from
# this machine, and a Dockerfile FROM scratch. No registry is needed, and the image holds nothing else.
#
#   examples/shop-containers/build-image.sh [OUT]     (default OUT: examples/shop-containers/out/image)
#
# The context is assembled beside OUT and moved into place at the end, so a failed run leaves the old one intact.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/out/image}"
out="$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")"
work="$(mktemp -d "$out.partial.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/app" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"

dotnet publish "$here/../shop/app" -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true \
  -o "$rootfs/app" -nologo -v:q

# Every library the application host and its native parts link against, and the OpenSSL pair .NET loads at run time.
libraries() {
  local file
  for file in "$rootfs/app/Shop" "$rootfs"/app/*.so; do
    ldd "$file" 2>/dev/null | grep -o '/[^ ]*' || true
  done
  for soname in libssl.so.3 libcrypto.so.3; do
    ldconfig -p | awk -v name="$soname" '$1 == name && /x86-64/ { print $NF; exit }'
  done
}
for library in $(libraries | sort -u); do
  case "$library" in
    "$rootfs"/*) continue ;;  # the application's own
  esac
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done
if [ ! -e "$rootfs/lib64/ld-linux-x86-64.so.2" ]; then
  echo "build-image.sh: the dynamic loader was not found (ldd of the application host listed none)" >&2
  exit 1
fi

cat > "$work/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 HOME=/tmp
WORKDIR /app
ENTRYPOINT ["/app/Shop"]
DOCKERFILE

rm -rf "$out"
mv "$work" "$out"
trap - EXIT
echo "build-image.sh: $(du -sh "$out" | cut -f1) build context in $out"
