#!/usr/bin/env bash
# Makes sure a Docker engine answers and the host tools the lab runtime uses are present.
# On Debian as root with no engine installed: installs docker.io and starts dockerd in the
# background (no systemd here), without the default docker0 bridge and without iptables NAT,
# so that no lab traffic can leave the machine (DESIGN §7). Fails with a clear message where
# it cannot do that.
set -euo pipefail
say() { printf 'engine: %s\n' "$*" >&2; }
log=/var/log/failover-lab-dockerd.log

is_root() { [ "$(id -u)" = 0 ]; }
can_apt() { is_root && command -v apt-get >/dev/null; }
apt_updated=no
apt_install() {
  can_apt || { say "error: need $* but cannot install it (not root on Debian): install it by hand"; exit 1; }
  if [ $apt_updated = no ]; then apt-get update -qq >/dev/null; apt_updated=yes; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Host tools: links are wired from the host with ip/nsenter/ethtool.
missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v nsenter >/dev/null || missing+=(util-linux)
command -v ethtool >/dev/null || missing+=(ethtool)
# Flows are measured from the captures with Wireshark's TCP analysis (docs/flows.md).
if ! command -v tshark >/dev/null; then
  missing+=(tshark)
  # wireshark-common asks whether non-root users may capture: no (tshark here only reads files).
  if can_apt; then echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections; fi
fi
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

engine_up() { timeout 10 docker info >/dev/null 2>&1; }

# Heartbeat daemons run at realtime priority when their node has a realtime budget, which the
# scenario runner gives with `docker update --cpu-rt-runtime`. The kernel (cgroup v1 with
# RT group scheduling) refuses any such budget while the engine's parent group has none, and
# dockerd sets one only for containers created with a budget: so give the parent the root's.
# Nothing to give on cgroup v2 or without RT group scheduling: there a root process in a node
# may use SCHED_RR under the kernel's global budget (sched_rt_runtime_us), unless the kernel has
# RT group scheduling on v2, which gives a container none (`failover-lab doctor` says which).
give_rt_budget() {
  local root=/sys/fs/cgroup/cpu parent=/sys/fs/cgroup/cpu/docker
  if [ ! -f "$root/cpu.rt_runtime_us" ]; then
    [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] &&
      say "cgroup v2: daemon nodes share the global realtime budget ($(cat /proc/sys/kernel/sched_rt_runtime_us) µs per $(cat /proc/sys/kernel/sched_rt_period_us) µs)"
    return 0
  fi
  is_root || return 0
  mkdir -p "$parent"
  if [ "$(cat "$parent/cpu.rt_runtime_us")" = 0 ]; then
    cat "$root/cpu.rt_runtime_us" > "$parent/cpu.rt_runtime_us" && say "engine containers may use realtime scheduling ($(cat "$parent/cpu.rt_runtime_us") µs per $(cat "$parent/cpu.rt_period_us") µs)"
  fi
}
up() {
  say "docker engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  give_rt_budget || say "warning: could not give the engine's containers a realtime budget; daemons will run at nice -10 only"
  exit 0
}

if command -v docker >/dev/null && engine_up; then up; fi

if ! command -v dockerd >/dev/null; then
  apt_install docker.io
fi
command -v docker >/dev/null || apt_install docker.io

if ! pgrep -x dockerd >/dev/null; then
  is_root || { say "error: dockerd is not running and this user cannot start it; start the Docker engine and retry"; exit 1; }
  say "starting dockerd in the background (log: $log)"
  # containerd is started by dockerd itself when no system containerd runs.
  # Close every inherited descriptor above stderr: a caller's lock (flock) or pipe must not stay
  # held by a daemon that outlives the caller.
  ( for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    exec nohup dockerd --bridge=none --iptables=false --ip6tables=false >"$log" 2>&1 ) &
fi

for _ in $(seq 1 60); do
  if engine_up; then up; fi
  sleep 1
done
say "error: the Docker engine did not answer within 60 s; see $log"
tail -20 "$log" >&2 || true
exit 1
