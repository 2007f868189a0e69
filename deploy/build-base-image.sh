#!/usr/bin/env bash
# Build local stand-ins for registry images where no image registry is reachable (the
# deploy tests): a Debian root filesystem from debootstrap (--variant=minbase), imported
# into Docker.
#
#   deploy/build-base-image.sh [--suite SUITE] [--packages P1,P2] [IMAGE]
#
# Defaults: bookworm with Debian's python3 and python3-venv as chainrule-base:local, the
# stand-in for python:3.12-slim:
#   docker build --build-arg BASE_IMAGE=chainrule-base:local -t chainrule:local .
# The nginx stand-in needs nginx 1.27.3 or later, which Debian has in testing:
#   deploy/build-base-image.sh --suite testing --packages ca-certificates chainrule-debian-testing:local
#   docker build --build-arg BASE_IMAGE=chainrule-debian-testing:local \
#     -t chainrule-nginx:local - < deploy/nginx.Dockerfile
#
# The Debian mirror is the first `URIs:` line of /etc/apt/sources.list.d/debian.sources
# (or $DEBIAN_MIRROR); apt-get inside later builds uses the same mirror (for the host's own
# suite, the image gets the host's apt sources, updates and security included) with the
# host's Acquire::Check-Valid-Until / Check-Date settings (off for a frozen snapshot). CA
# certificates the host added (/usr/local/share/ca-certificates) are trusted in the image
# too, so pip and apt work behind a TLS-inspecting proxy.
#
# The root filesystem is cached as a tarball in $CHAINRULE_BASE_CACHE (default
# ~/.cache/chainrule), keyed by this script, the suite, the packages and the local CAs; a
# later run only imports it. CHAINRULE_BASE_CACHE=off always builds afresh, keeps nothing.
# Needs root, debootstrap and a reachable Docker engine (DOCKER_HOST).
set -euo pipefail

SUITE=bookworm
PACKAGES=python3,python3-venv,ca-certificates
IMAGE=chainrule-base:local
while [ $# -gt 0 ]; do
  case $1 in
    --suite) SUITE=$2; shift 2 ;;
    --packages) PACKAGES=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) IMAGE=$1; shift ;;
  esac
done
SOURCES=/etc/apt/sources.list.d/debian.sources
LOCAL_CAS=/usr/local/share/ca-certificates
CACHE_DIR=${CHAINRULE_BASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chainrule}
IMPORT_CHANGES=(
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change 'ENV LANG=C.UTF-8'
  --change 'CMD ["bash"]'
)

say() { printf '==> %s\n' "$*" >&2; }

mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "$DEBIAN_MIRROR"
  elif [ -r "$SOURCES" ]; then
    awk '/^URIs:/ { print $2; exit }' "$SOURCES"
  elif [ -r /etc/apt/sources.list ]; then
    awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list
  fi
}

cache_key() {
  {
    cat "$0"
    printf '%s\n' "$SUITE" "$PACKAGES"
    apt-config dump 2>/dev/null | grep -E '^Acquire::Check-(Valid-Until|Date) ' || true
    find "$LOCAL_CAS" -type f -name '*.crt' -print0 2>/dev/null | sort -z | xargs -0r cat
  } | sha256sum | cut -c1-16
}

import_tar() {
  docker import "${IMPORT_CHANGES[@]}" --message "chainrule base (debootstrap $SUITE)" \
    - "$IMAGE" >/dev/null
}

ROOTFS=
cleanup() {
  [ -n "$ROOTFS" ] && [ -d "$ROOTFS" ] || return 0
  # debootstrap mounts proc/sys inside the target; never rm -rf through a mount.
  findmnt -R -n -l -o TARGET "$ROOTFS/rootfs" 2>/dev/null | sort -r | xargs -r umount -l || true
  rm -rf --one-file-system "$ROOTFS"
}
trap cleanup EXIT

build_rootfs() {
  local target=$1 url
  url=$(mirror)
  [ -n "$url" ] || { echo "no Debian mirror: set DEBIAN_MIRROR" >&2; exit 1; }
  command -v debootstrap >/dev/null || { echo "needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
  say "debootstrap --variant=minbase $SUITE (+ $PACKAGES)"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$target" "$url" \
    >"$ROOTFS/debootstrap.log" 2>&1 || {
    tail -n 30 "$ROOTFS/debootstrap.log" >&2
    exit 1
  }

  # The host's own suite gets the host's sources (updates and security included); other
  # suites keep the one line debootstrap wrote.
  if [ -r "$SOURCES" ] && grep -Eq "^Suites:.*[[:space:]]$SUITE([[:space:]]|\$)" "$SOURCES"; then
    cp "$SOURCES" "$target/etc/apt/sources.list.d/debian.sources"
    rm -f "$target/etc/apt/sources.list"
  fi
  # A mirror that serves a frozen snapshot needs apt's date checks off; follow the host.
  apt-config dump 2>/dev/null | grep -E '^Acquire::Check-(Valid-Until|Date) ' \
    >"$target/etc/apt/apt.conf.d/90host-date-checks" || rm -f "$target/etc/apt/apt.conf.d/90host-date-checks"
  if compgen -G "$LOCAL_CAS/*.crt" >/dev/null && [ -x "$target/usr/sbin/update-ca-certificates" ]; then
    cp "$LOCAL_CAS"/*.crt "$target/usr/local/share/ca-certificates/"
    chroot "$target" update-ca-certificates >/dev/null
  fi

  # Keep later package installs small and apt's state out of image layers, like the
  # official Debian images do.
  cat >"$target/etc/dpkg/dpkg.cfg.d/excludes" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  cat >"$target/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
EOF
  find "$target/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
  find "$target/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$target"/usr/share/man/* "$target"/usr/share/info/* \
    "$target"/var/cache/apt/* "$target"/var/lib/apt/lists/* "$target"/var/log/*.log \
    "$target"/var/log/apt/* "$target"/tmp/* "$target"/root/.cache
  if [[ ,$PACKAGES, == *,python3,* ]]; then
    chroot "$target" python3 -c "import ensurepip, ssl, sys; print('python', sys.version.split()[0])" >&2
  fi
}

tar_rootfs() {
  tar --numeric-owner --xattrs -C "$1" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - .
}

key=$(cache_key)
cached=
if [ "$CACHE_DIR" != off ]; then
  cached="$CACHE_DIR/rootfs-$SUITE-$key.tar"
  if [ -s "$cached" ]; then
    say "importing $IMAGE from cache $cached"
    import_tar <"$cached"
    exit 0
  fi
fi

[ "$(id -u)" -eq 0 ] || { echo "building the base image needs root (debootstrap)" >&2; exit 1; }
ROOTFS=$(mktemp -d "${TMPDIR:-/tmp}/chainrule-base.XXXXXX")
build_rootfs "$ROOTFS/rootfs"
if [ -n "$cached" ]; then
  mkdir -p "$CACHE_DIR"
  tar_rootfs "$ROOTFS/rootfs" >"$cached.tmp.$$"
  mv "$cached.tmp.$$" "$cached"
  import_tar <"$cached"
  say "cached the root filesystem in $cached"
else
  tar_rootfs "$ROOTFS/rootfs" | import_tar
fi
say "built $IMAGE"
