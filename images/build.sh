#!/usr/bin/env bash
# Makes sure the lab base image exists, in the cheapest way that works here:
#   1. reuse an image whose recipe label matches this recipe;
#   2. else `docker build` (needs a registry for debian:bookworm-slim);
#   3. else build the same root file system with debootstrap from Debian's mirror and
#      `docker import` it (no registry needed).
# Usage: images/build.sh [IMAGE]   (default failover-lab/base:bookworm)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image=${1:-${FAILOVER_LAB_IMAGE:-failover-lab/base:bookworm}}
recipe_dir="$here/base"
recipe=$(cat "$recipe_dir/Dockerfile" "$recipe_dir/packages.txt" "$recipe_dir/lab-idle" "$here/build.sh" | sha256sum | cut -c1-16)

say() { printf 'images: %s\n' "$*" >&2; }

have=$(docker image inspect --format '{{ index .Config.Labels "org.failover-lab.recipe" }}' "$image" 2>/dev/null || true)
if [ "$have" = "$recipe" ]; then
  say "reusing $image (recipe $recipe)"
  exit 0
fi
[ -n "$have" ] && say "$image exists with recipe '$have', this recipe is $recipe: rebuilding"

say "trying docker build for $image"
if timeout 600 docker build --label "org.failover-lab.recipe=$recipe" -t "$image" "$recipe_dir" >/tmp/failover-lab-docker-build.log 2>&1; then
  say "built $image with docker build"
  exit 0
fi
say "docker build failed (no registry?), see /tmp/failover-lab-docker-build.log; falling back to debootstrap"

if ! command -v debootstrap >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  else
    say "error: debootstrap is missing and cannot be installed (need root on Debian)"; exit 1
  fi
fi

# Use the mirror this host's apt already reaches.
mirror=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
  | grep -v security | head -1 | grep -oE 'https?://[^ ]+' || true)
mirror=${mirror:-http://deb.debian.org/debian}
packages=$(grep -v '^#' "$recipe_dir/packages.txt" | grep -v '^$' | paste -sd, -)

work=$(mktemp -d /var/tmp/failover-lab-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
say "debootstrap bookworm from $mirror into $work (a few minutes)"
if ! debootstrap --variant=minbase --include="$packages" bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -20 "$work/debootstrap.log" >&2
  say "error: debootstrap failed"; exit 1
fi
install -m 0755 "$recipe_dir/lab-idle" "$work/rootfs/usr/local/bin/lab-idle"
rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/archives/"*.deb
say "importing root file system as $image"
tar -C "$work/rootfs" -c . | docker import \
  --change 'CMD ["/usr/local/bin/lab-idle"]' \
  --change "LABEL org.failover-lab.image=base org.failover-lab.recipe=$recipe" \
  - "$image" >/dev/null
say "built $image with debootstrap"
