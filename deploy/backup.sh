#!/usr/bin/env bash
# Back up gatewayd's Postgres database in pg_dump's custom format (-Fc):
# compressed, consistent (one snapshot, taken while the gateway keeps
# serving), and restorable selectively with restore.sh / pg_restore.
#
#   DATABASE_URL=postgres://... deploy/backup.sh /backups/gatewayd-$(date +%F).dump
#   DATABASE_URL_FILE=/run/secrets/database_url deploy/backup.sh FILE
#
# The URL is never echoed. Use the pg_dump of the server's major version
# or newer. Rehearsed end to end by deploy/backup_test.go.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgres://... $0 OUTPUT_FILE" >&2; exit 2; }
[ $# -eq 1 ] || usage
out=$1
if [ -z "${DATABASE_URL:-}" ] && [ -n "${DATABASE_URL_FILE:-}" ]; then
	DATABASE_URL=$(<"$DATABASE_URL_FILE")
fi
[ -n "${DATABASE_URL:-}" ] || usage
if [ -e "$out" ]; then
	echo "backup: $out already exists; refusing to overwrite" >&2
	exit 1
fi

# Write to a temporary name and rename at the end, so a failed or
# interrupted dump never leaves a file that looks like a good backup.
tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT
# --no-owner/--no-privileges: the restore target may use other role names.
pg_dump --format=custom --no-owner --no-privileges --file="$tmp" --dbname="$DATABASE_URL"
# A dump that pg_restore cannot list is not a backup.
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$out"
trap - EXIT
echo "backup: wrote $out"
