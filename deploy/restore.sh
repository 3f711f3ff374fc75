#!/usr/bin/env bash
# Restore a backup.sh dump into gatewayd's Postgres database. Stop the
# gateways first (or scale them to 0): the restore replaces every table.
#
#   DATABASE_URL=postgres://... deploy/restore.sh /backups/gatewayd-2026-11-29.dump
#
# The target database must exist (empty, or a gatewayd database to be
# replaced: --clean drops what the dump recreates). Everything runs in one
# transaction: it either restores completely or changes nothing.
# Rehearsed end to end by deploy/backup_test.go.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgres://... $0 DUMP_FILE" >&2; exit 2; }
[ $# -eq 1 ] || usage
in=$1
if [ -z "${DATABASE_URL:-}" ] && [ -n "${DATABASE_URL_FILE:-}" ]; then
	DATABASE_URL=$(<"$DATABASE_URL_FILE")
fi
[ -n "${DATABASE_URL:-}" ] || usage
[ -r "$in" ] || { echo "restore: cannot read $in" >&2; exit 1; }

pg_restore --clean --if-exists --no-owner --no-privileges \
	--exit-on-error --single-transaction --dbname="$DATABASE_URL" "$in"
echo "restore: restored $in; run \`gatewayd migrate status\` to check the schema"
