#!/usr/bin/env sh
# Writes a .env for docker-compose.yml with a fresh random value for every
# empty secret in .env.example, and admin@example.com as ADMIN_EMAIL.
# Usage: deploy/generate-env.sh [output, default .env]. Never overwrites.
set -eu
cd "$(dirname "$0")/.."
out=${1:-.env}
if [ -e "$out" ]; then
  echo "$out exists; not overwriting it" >&2
  exit 1
fi
random() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }
umask 077
while IFS= read -r line; do
  case "$line" in
    ADMIN_EMAIL=) echo "ADMIN_EMAIL=admin@example.com" ;;
    [A-Z]*=) echo "${line}$(random)" ;;
    *) echo "$line" ;;
  esac
done < .env.example > "$out"
echo "wrote $out (mode 600); ADMIN_EMAIL=admin@example.com, ADMIN_PASSWORD is in the file" >&2
