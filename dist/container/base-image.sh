#!/usr/bin/env bash
# Builds the base of Scepter's container image with no container engine and no registry (none is
# reachable from every build machine): Debian's C and C++ runtime, which the JDK's native code
# links against, and a Java runtime made by jlink from the build's own JDK, written as a
# docker-archive tarball that Jib builds the application layers on (from.image = tar://...).
#
# Usage: dist/container/base-image.sh OUTPUT_TAR [JAVA_HOME]
# Jib keeps what this base says of the user, the environment and the health check; the health check
# runs `scepter probe` from the application layers that Jib adds (the image has no shell or curl).
# The Debian packages come from the build machine's apt sources (apt-get download) and are kept in
# ${XDG_CACHE_HOME:-~/.cache}/scepter/debs, so a second build needs no network.
set -euo pipefail

out="$1"
java_home="${2:-${JAVA_HOME:-}}"
[ -n "$java_home" ] && [ -x "$java_home/bin/jlink" ] || {
  echo "base-image.sh: no jlink in '$java_home': give a JDK (not a JRE) as the second argument or JAVA_HOME." >&2
  exit 1
}
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
  echo "base-image.sh: the image's C runtime comes from Debian packages; this needs apt-get and dpkg-deb (Debian or Ubuntu)." >&2
  exit 1
}

# The runtime's user: a number of its own, not root, and not a user that exists on the host.
uid=10001
# What the JDK's libraries (libjvm, libzip, libnet, ...) link against, and nothing more: no shell,
# no package manager, nothing for an intruder to use.
packages=(libc6 libgcc-s1 libstdc++6 zlib1g)
# The modules Scepter uses (Spring Boot, Tomcat, H2, BouncyCastle, SunPKCS11, the JDK's HTTP client).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"

debs="${XDG_CACHE_HOME:-$HOME/.cache}/scepter/debs"
mkdir -p "$debs"
for p in "${packages[@]}"; do
  version="$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p')"
  [ -n "$version" ] && [ "$version" != "(none)" ] || { echo "base-image.sh: apt knows no package $p" >&2; exit 1; }
  arch="$(dpkg --print-architecture)"
  deb="$(ls "$debs/${p}_"*"_${arch}.deb" 2>/dev/null | grep -F "_${version//:/%3a}_" | head -n 1 || true)"
  if [ -z "$deb" ]; then
    # apt-get download writes to the current folder; as root it warns that _apt cannot write there.
    (cd "$debs" && apt-get download -qq "$p=$version" 2>&1 | grep -v "couldn't be accessed by user '_apt'" >&2 || true)
    deb="$(ls "$debs/${p}_"*"_${arch}.deb" 2>/dev/null | grep -F "_${version//:/%3a}_" | head -n 1 || true)"
    [ -n "$deb" ] || { echo "base-image.sh: apt-get download $p=$version failed" >&2; exit 1; }
  fi
  dpkg-deb -x "$deb" "$rootfs"
  echo "$p $version" >> "$work/packages"
done
rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/lintian" "$rootfs/usr/share/locale"
# Debian 13 and later ship these only under /usr and leave the top-level links to base-files, which
# this image does not hold: without /lib64, no program finds its loader.
for d in bin lib lib64 sbin; do
  if [ ! -e "$rootfs/$d" ] && [ -d "$rootfs/usr/$d" ]; then
    ln -s "usr/$d" "$rootfs/$d"
  fi
done

"$java_home/bin/jlink" --add-modules "$modules" --output "$rootfs/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2

# The Java launcher's loader must be in the image, or nothing in it starts (readelf: binutils).
if command -v readelf >/dev/null; then
  interpreter="$(readelf -l "$rootfs/opt/java/bin/java" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')"
  [ -n "$interpreter" ] && [ -e "$rootfs$interpreter" ] || {
    echo "base-image.sh: the image has no ${interpreter:-program interpreter} (the loader java needs); is libc6 unpacked with its top-level links?" >&2
    exit 1
  }
fi

mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/data"
printf 'root:x:0:0:root:/root:/sbin/nologin\nscepter:x:%d:%d:Scepter:/data:/sbin/nologin\n' "$uid" "$uid" > "$rootfs/etc/passwd"
printf 'root:x:0:\nscepter:x:%d:\n' "$uid" > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
# The data folder is the runtime user's alone: CA key, database, secrets.
chmod 0700 "$rootfs/data"
mkdir -p "$rootfs/usr/share/scepter"
cp "$work/packages" "$rootfs/usr/share/scepter/base-packages"

# One layer, owned by root but for /data; fixed times so that the same inputs give the same layer.
layer="$work/layer.tar"
tar --sort=name --mtime=@1 --numeric-owner --owner=0 --group=0 --exclude=./data -cf "$layer" -C "$rootfs" .
tar --mtime=@1 --numeric-owner --owner="$uid" --group="$uid" -rf "$layer" -C "$rootfs" ./data
diff_id="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"

cat > "$work/config.json" <<EOF
{"architecture":"$(dpkg --print-architecture)","os":"linux","created":"1970-01-01T00:00:01Z",
 "config":{"User":"$uid:$uid","Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"],"WorkingDir":"/data",
  "Healthcheck":{"Test":["CMD","java","-Xmx32m","-XX:TieredStopAtLevel=1","-XX:+UseSerialGC","-Xshare:auto","-cp","@/app/jib-classpath-file","dev.scepter.server.launcher.ScepterCommand","probe"],
   "Interval":30000000000,"Timeout":10000000000,"StartPeriod":60000000000,"Retries":3}},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:01Z","created_by":"dist/container/base-image.sh: $(tr '\n' ' ' < "$work/packages")and a jlink runtime"}]}
EOF
echo '[{"Config":"config.json","RepoTags":["scepter-base:local"],"Layers":["layer.tar"]}]' > "$work/manifest.json"
mkdir -p "$(dirname "$out")"
tar --mtime=@1 --numeric-owner --owner=0 --group=0 -cf "$out" -C "$work" manifest.json config.json layer.tar
echo "base-image.sh: $out ($(du -h "$out" | cut -f1); $(tr '\n' ',' < "$work/packages" | sed 's/,$//'))"
