#!/usr/bin/env bash
# Stages what the container image needs besides Parley itself, for Jib's "scratch" base (no registry needed):
# a jlink'ed Java runtime under /opt/java and exactly the shared libraries it links against (from this machine),
# plus /data and /tmp. Usage: deploy/image/stage-runtime.sh <dir>   (the image profile calls it with
# server/target/image-runtime). Needs a JDK 25 with jmods (JAVA_HOME) and ldd.
set -euo pipefail
OUT=${1:?usage: stage-runtime.sh <dir>}
JDK=${JAVA_HOME:?set JAVA_HOME to a JDK 25}
rm -rf "$OUT"
mkdir -p "$OUT/opt" "$OUT/data" "$OUT/tmp"
touch "$OUT/data/.keep" "$OUT/tmp/.keep"
# The modules Parley's dependencies use (jdeps over the shaded jar gives the same list).
"$JDK/bin/jlink" --add-modules java.base,java.sql,java.naming,java.management,java.net.http,java.desktop,java.xml,java.logging,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.management,java.security.jgss,jdk.localedata \
  --strip-debug --no-header-files --no-man-pages --output "$OUT/opt/java"
# Copy the loader and every library the runtime's binaries and shared objects need, at their own paths.
find "$OUT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) | while read -r f; do
  ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[[:space:]]+\//{print $1}' || true
done | sort -u | while read -r lib; do
  case "$lib" in "$OUT"/*) continue ;; esac # the runtime's own libraries are in place already
  [ -e "$lib" ] || continue
  mkdir -p "$OUT$(dirname "$lib")"; cp -L "$lib" "$OUT$lib"
done
# glibc resolves hosts and users through these.
mkdir -p "$OUT/etc"
printf 'hosts: files dns\n' > "$OUT/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/sbin/nologin\nparley:x:10001:10001:parley:/data:/sbin/nologin\n' > "$OUT/etc/passwd"
for l in /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -e "$l" ] && { mkdir -p "$OUT$(dirname "$l")"; cp -L "$l" "$OUT$l"; }
done
echo "staged $(du -sh "$OUT" | cut -f1) in $OUT"
