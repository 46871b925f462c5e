#!/usr/bin/env bash
# Builds the vpcemu image from containers/Containerfile with podman or docker (ENGINE=... to
# choose), tagged `vpcemu` (TAG=... for another). Where no registry can be reached, the
# debian:bookworm-slim base is first made locally from Debian's packages (mmdebstrap), so the
# image builds on a machine that reaches only the Debian archive.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${TAG:-vpcemu}
source containers/engine.sh
[[ -n $engine ]] || { echo "containers/build.sh: neither podman nor a running docker; 'apt-get install podman runc'" >&2; exit 1; }
flags=("${engine_flags[@]}")

base=debian:bookworm-slim
has_image() {
  if [[ $engine == podman ]]; then podman "${flags[@]}" image exists "$1"; else docker image inspect "$1" >/dev/null 2>&1; fi
}
if ! has_image "$base" && ! timeout 60 "$engine" "${flags[@]}" pull -q "$base" >/dev/null 2>&1; then
  command -v mmdebstrap >/dev/null || { echo "containers/build.sh: cannot pull $base and no mmdebstrap to make it ('apt-get install mmdebstrap')" >&2; exit 1; }
  echo "containers/build.sh: no registry reachable; making $base from Debian's packages (mmdebstrap)" >&2
  tar=$(mktemp /tmp/vpcemu-base.XXXXXX.tar)
  trap 'rm -f "$tar"' EXIT
  mmdebstrap --variant=minbase --quiet bookworm "$tar"
  "$engine" "${flags[@]}" import "$tar" "localhost/$base" >/dev/null
  [[ $engine == docker ]] && docker tag "localhost/$base" "$base"
fi
echo "containers/build.sh: building $tag with $engine" >&2
"$engine" "${flags[@]}" build "${limits[@]}" --network host -f containers/Containerfile -t "$tag" .
