#!/usr/bin/env bash
# One clock: SQL written in Rust reads "now" as app_now() (the database's
# side of the app's clock, see migrations/…12_app_clock.sql), never now() or
# CURRENT_TIMESTAMP; migrations after that one do the same. Rust's own
# `Utc::now()` is refused by clippy (clippy.toml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pattern='(^|[^_.:[:alnum:]])(now\(\)|current_timestamp|localtimestamp|statement_timestamp\(\)|clock_timestamp\(\))'
found=0
# Comments may name now(); code may not.
if grep -rniE "$pattern" app/src server/src --include='*.rs' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//'; then found=1; fi
for f in migrations/*.sql; do
  name="$(basename "$f")"
  [[ "$name" > "20261204000012" ]] || continue
  # app_now() itself is defined with now() in the clock migration.
  [[ "$name" == 20261204000012_* ]] && continue
  if grep -niE "$pattern" "$f" | grep -vE '^[0-9]+:[[:space:]]*--' | sed "s|^|$f:|"; then found=1; fi
done
if [ "$found" -ne 0 ]; then
  echo "check-clock: read the app's clock (app_now() in SQL, Clock::now() in Rust) instead of the lines above" >&2
  exit 1
fi
echo "check-clock: every SQL \"now\" reads app_now()"
