# Sourced by containers/build.sh and the tests: picks the container engine and the flags this
# machine needs. Sets `engine` (podman or docker; ENGINE=... to choose), `engine_flags` (before
# the engine's command) and `limits` (for run and build).
engine=${ENGINE:-}
if [[ -z $engine ]]; then
  if command -v podman >/dev/null; then engine=podman
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then engine=docker
  fi
fi
engine_flags=()
# crun fails on hosts with hybrid (v1) cgroups; runc with the cgroupfs manager works.
if [[ $engine == podman && $(stat -fc %T /sys/fs/cgroup) != cgroup2fs && -x /usr/sbin/runc ]]; then
  engine_flags+=(--runtime /usr/sbin/runc --cgroup-manager=cgroupfs)
fi
# Rlimits no higher than this machine's hard limits: an engine's default RLIMIT_NOFILE (podman
# asks for 1048576) fails where root lacks CAP_SYS_RESOURCE.
limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
