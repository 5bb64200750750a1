#!/bin/sh
# Lays out the root of the pgops FROM scratch image in ROOT: the static
# programs in /bin, a static busybox with the applets the job scripts use,
# the scripts in /usr/share/pgops, and nothing else (no /etc, no CA bundle:
# the programs carry theirs). The Dockerfile runs it; tests/image.t runs the
# same script and then the backup job inside ROOT with chroot.
#
#   image-root.sh ROOT BINDIR BUSYBOX
set -eu
[ $# = 3 ] || { echo "usage: image-root.sh ROOT BINDIR BUSYBOX" >&2; exit 64; }
root=$1 bindir=$2 busybox=$3
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$root/bin" "$root/usr/share/pgops"
for p in pgdump-stream pgrestore-stream gzverify s3put s3cat s3ls s3rm prune-backups healthprobe migrate-apply agecrypt; do
	cp "$bindir/$p" "$root/bin/$p"
done
cp "$busybox" "$root/bin/busybox"
# What pg-backup.sh and restore-drill.sh run besides sh's builtins.
for a in sh date sort tail od tr; do
	ln -sf busybox "$root/bin/$a"
done
cp "$here/pg-backup.sh" "$here/restore-drill.sh" "$here/pgops-lib.sh" "$root/usr/share/pgops/"
chmod 755 "$root/bin"/* "$root/usr/share/pgops"/*.sh
