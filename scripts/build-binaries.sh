#!/usr/bin/env bash
# Builds the programs Tack bundles (Kubo, MinIO) and the ones its tests use (IPFS Cluster) from the Go
# module proxy, because prebuilt downloads are not reachable everywhere we build. Each binary lands in
# resources/bin/<platform>-<arch>/ (git-ignored) and is built only when missing. Finished builds are also
# kept in a per-user cache (TACK_BIN_CACHE, default ~/.cache/tack/bin) so a fresh clone reuses them.
#
# usage: scripts/build-binaries.sh [kubo] [minio] [launcher] [cluster]   (default: kubo minio launcher)
#        scripts/build-binaries.sh --target darwin-arm64 kubo minio launcher
# --target <platform>-<arch> cross-compiles (Go, CGO_ENABLED=0) for linux|darwin|win32 - x64|arm64 into that
# target's own folder; electron-builder packs each target from its folder (build/before-pack.cjs checks it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=""; names=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --target) target=${2:?--target needs <platform>-<arch>}; shift 2 ;;
    --target=*) target=${1#*=}; shift ;;
    *) names+=("$1"); shift ;;
  esac
done
set -- ${names[@]+"${names[@]}"}
platform=${target:-$(node -p 'process.platform + "-" + process.arch')}
case ${platform%-*} in linux) GOOS=linux ;; darwin) GOOS=darwin ;; win32) GOOS=windows ;; *) echo "unknown platform: $platform" >&2; exit 2 ;; esac
case ${platform##*-} in x64) GOARCH=amd64 ;; arm64) GOARCH=arm64 ;; *) echo "unknown arch: $platform" >&2; exit 2 ;; esac
# Every go command below builds for the target (cgo is off everywhere, so no C cross-compiler is needed).
export GOOS GOARCH
cross=""; [[ $platform != $(node -p 'process.platform + "-" + process.arch') ]] && cross=1
out="$root/resources/bin/$platform"
cache="${TACK_BIN_CACHE:-$HOME/.cache/tack/bin}/$platform"
exe=""; [[ $platform == win32-* ]] && exe=".exe"

# The Kubo version is the one of the `kubo` npm package we depend on, so both routes give the same node.
KUBO_VERSION=$(node -p 'require(process.argv[1]).optionalDependencies.kubo.replace(/^[^0-9]*/, "")' "$root/package.json")
# MinIO is pinned to one source revision (its AGPL licence asks us to point at the source we ship).
MINIO_VERSION=${TACK_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
CLUSTER_VERSION=${TACK_CLUSTER_VERSION:-v1.1.6}

log() { echo "[build-binaries] $*" >&2; }

# install NAME CACHE_KEY BUILD_FN: copy from cache, or build into the cache, then copy into resources/bin.
install() {
  local name=$1 key=$2 build=$3
  local target="$out/$name$exe" cached="$cache/$key/$name$exe"
  if [[ -x $target ]]; then log "$name: present"; return; fi
  mkdir -p "$out" "$cache/$key"
  if [[ ! -x $cached ]]; then
    log "$name: building $key from the Go module proxy (minutes on a cold cache)"
    rm -rf "$cache/$key.tmp" && mkdir -p "$cache/$key.tmp"
    "$build" "$cache/$key.tmp"
    mv "$cache/$key.tmp"/* "$cache/$key/"
    rm -rf "$cache/$key.tmp"
  fi
  cp "$cached" "$target.tmp" && mv "$target.tmp" "$target"
  log "$name: $target"
}

# Builds inside a downloaded module, honouring its own go.mod and go.sum: `go install mod@vX` is refused for
# Kubo (its go.mod has an exclude block) and for IPFS Cluster (the proxy will not list its versions).
build_in_module() {
  local module=$1 dest=$2; shift 2
  local src work
  src=$(go mod download -json "$module" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')
  work=$(mktemp -d)
  cp -r "$src/." "$work/" && chmod -R u+w "$work"
  for pkg in "$@"; do
    (cd "$work" && GOTOOLCHAIN=auto CGO_ENABLED=0 go build -trimpath -o "$dest/$(basename "$pkg")$exe" "$pkg")
  done
  rm -rf "$work"
}

build_kubo() {
  build_in_module "github.com/ipfs/kubo@v$KUBO_VERSION" "$1" ./cmd/ipfs
}

build_minio() {
  if [[ -z $cross ]]; then
    GOBIN=$1 CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "github.com/minio/minio@$MINIO_VERSION"
    return
  fi
  # go install refuses to put a cross-compiled binary in GOBIN: build inside the module, as for Kubo.
  local src work
  src=$(go mod download -json "github.com/minio/minio@$MINIO_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')
  work=$(mktemp -d)
  cp -r "$src/." "$work/" && chmod -R u+w "$work"
  (cd "$work" && GOTOOLCHAIN=auto CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$1/minio$exe" .)
  rm -rf "$work"
}

# tack-launcher (tools/launcher): ties Kubo and MinIO to Tack's life and relays large bodies. Built from this
# repo (its few modules come from the Go proxy, pinned by go.sum); cached by the hash of its sources so an
# edit rebuilds it.
LAUNCHER_KEY=launcher-$(cat "$root"/tools/launcher/go.mod "$root"/tools/launcher/go.sum "$root"/tools/launcher/*.go | sha256sum | cut -c1-16)
build_launcher() {
  (cd "$root/tools/launcher" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$1/tack-launcher$exe" .)
}

build_cluster() {
  build_in_module "github.com/ipfs-cluster/ipfs-cluster@$CLUSTER_VERSION" "$1" \
    ./cmd/ipfs-cluster-service ./cmd/ipfs-cluster-ctl
}

for what in "${@:-kubo minio launcher}"; do
  for w in $what; do
    case $w in
      kubo) install ipfs "kubo-$KUBO_VERSION" build_kubo ;;
      minio) install minio "minio-$MINIO_VERSION" build_minio ;;
      launcher)
        # A launcher from other sources is replaced: its key is the hash of tools/launcher, and the copy in
        # resources/bin must be that key's build.
        cmp -s "$cache/$LAUNCHER_KEY/tack-launcher$exe" "$out/tack-launcher$exe" || rm -f "$out/tack-launcher$exe"
        install tack-launcher "$LAUNCHER_KEY" build_launcher ;;
      cluster)
        install ipfs-cluster-service "cluster-$CLUSTER_VERSION" build_cluster
        install ipfs-cluster-ctl "cluster-$CLUSTER_VERSION" build_cluster ;;
      *) log "unknown binary: $w"; exit 2 ;;
    esac
  done
done
