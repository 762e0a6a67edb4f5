#!/usr/bin/env bash
# Makes sure the migration node image exists: a trixie root file system built with debootstrap
# from Debian's mirror (no registry needed), plus sid's CRIU with its own libraries, installed
# with dpkg in the chroot, then `docker import`ed. Reused when its recipe label matches.
# Usage: images/build-migration.sh [IMAGE]   (default failover-lab/migration:trixie)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image=${1:-${FAILOVER_LAB_MIGRATION_IMAGE:-failover-lab/migration:trixie}}
recipe_dir="$here/migration"
recipe=$(cat "$recipe_dir/packages.txt" "$recipe_dir/sid-packages.txt" "$recipe_dir/bookworm-packages.txt" "$here/base/lab-idle" "$here/build-migration.sh" | sha256sum | cut -c1-16)
min_criu=4.2

say() { printf 'images: %s\n' "$*" >&2; }
# FAILOVER_LAB_LOCK=FILE: hold that lock around each docker command only, not the minutes of
# debootstrap (for a caller that shares the engine; `make images` runs it unlocked).
dock() { if [ -n "${FAILOVER_LAB_LOCK:-}" ]; then flock "$FAILOVER_LAB_LOCK" docker "$@"; else docker "$@"; fi; }

# A read of one label: no need to wait for the lock.
have=$(docker image inspect --format '{{ index .Config.Labels "org.failover-lab.recipe" }}' "$image" 2>/dev/null || true)
if [ "$have" = "$recipe" ]; then
  say "reusing $image (recipe $recipe)"
  exit 0
fi
[ -n "$have" ] && say "$image exists with recipe '$have', this recipe is $recipe: rebuilding"

if ! command -v debootstrap >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  else
    say "error: debootstrap is missing and cannot be installed (need root on Debian)"; exit 1
  fi
fi
[ -e /usr/share/debootstrap/scripts/trixie ] || { say "error: this debootstrap does not know trixie"; exit 1; }

# Use the mirror this host's apt already reaches.
mirror=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
  | grep -v security | head -1 | grep -oE 'https?://[^ ]+' || true)
mirror=${mirror:-http://deb.debian.org/debian}
list() { grep -v '^#' "$1" | grep -v '^$'; }
packages=$(list "$recipe_dir/packages.txt" | paste -sd, -)
sid_packages=$(list "$recipe_dir/sid-packages.txt" | paste -sd' ' -)
bookworm_packages=$(list "$recipe_dir/bookworm-packages.txt" | sed 's|$|/bookworm|' | paste -sd' ' -)

work=$(mktemp -d /var/tmp/failover-lab-migration-rootfs.XXXXXX)
root="$work/rootfs"
cleanup() {
  for m in proc sys dev; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
say "debootstrap trixie from $mirror into $work (a few minutes)"
if ! debootstrap --variant=minbase --include="$packages" trixie "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -20 "$work/debootstrap.log" >&2
  say "error: debootstrap failed"; exit 1
fi

# The mirror may be a dated snapshot whose Release files have expired.
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

say "downloading sid's $sid_packages and bookworm's $bookworm_packages"
echo "deb $mirror sid main" >"$root/etc/apt/sources.list.d/sid.list"
echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list.d/bookworm.list"
in_root apt-get -o Acquire::Check-Valid-Until=false update -qq >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
mkdir -p "$root/tmp/sid" "$root/tmp/bookworm"
in_root sh -c "cd /tmp/sid && apt-get download -qq $sid_packages" >>"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
in_root sh -c "cd /tmp/bookworm && apt-get download -qq $bookworm_packages" >>"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
# The rest of the dependencies must come from trixie, not sid or bookworm.
rm "$root/etc/apt/sources.list.d/sid.list" "$root/etc/apt/sources.list.d/bookworm.list"
in_root apt-get -o Acquire::Check-Valid-Until=false update -qq >>"$work/apt.log" 2>&1
say "installing $(ls "$root/tmp/sid" | paste -sd' ' -)"
if ! in_root sh -c 'dpkg -i /tmp/sid/*.deb' >>"$work/apt.log" 2>&1; then
  in_root apt-get install -y -f -qq --no-install-recommends >>"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
fi
# No criu at all (apt removed it for a missing dependency) must reach the message below.
version=$(in_root criu --version 2>/dev/null | sed -n 's/^Version: *//p' || true)
case "$version" in
  "$min_criu"*|4.[3-9]*|[5-9].*) say "criu $version installed" ;;
  *) tail -20 "$work/apt.log" >&2; say "error: expected criu >= $min_criu, got '$version'"; exit 1 ;;
esac
rm -rf "$root/tmp/sid"

# Node 18 for services CRIU must dump (bookworm-packages.txt says why): unpacked, not installed,
# so trixie's node 20 stays the nodes' `node`.
mkdir -p "$root/tmp/bookworm/x" "$root/opt/node18/bin" "$root/opt/node18/lib"
for deb in "$root"/tmp/bookworm/*.deb; do dpkg -x "$deb" "$root/tmp/bookworm/x"; done
cp "$root/tmp/bookworm/x/usr/bin/node" "$root/opt/node18/bin/node"
cp -a "$root"/tmp/bookworm/x/usr/lib/x86_64-linux-gnu/lib{node,uv,icu}*.so* "$root/opt/node18/lib/"
printf '#!/bin/sh\nLD_LIBRARY_PATH=/opt/node18/lib exec /opt/node18/bin/node "$@"\n' >"$root/usr/local/bin/node18"
chmod 0755 "$root/usr/local/bin/node18"
uv=$(in_root node18 -p process.versions.uv 2>/dev/null || true)
case "$uv" in
  1.44.*) say "node18 $(in_root node18 --version) with libuv $uv installed" ;;
  *) say "error: expected node18 with libuv 1.44, got '$uv'"; exit 1 ;;
esac
rm -rf "$root/tmp/bookworm"
for m in proc dev; do umount "$root/$m"; done

install -m 0755 "$here/base/lab-idle" "$root/usr/local/bin/lab-idle"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/archives/"*.deb "$root/etc/resolv.conf"
say "importing root file system as $image"
tar -C "$root" -c . | dock import \
  --change 'CMD ["/usr/local/bin/lab-idle"]' \
  --change "LABEL org.failover-lab.image=migration org.failover-lab.recipe=$recipe" \
  - "$image" >/dev/null
say "built $image with debootstrap (criu $version)"
