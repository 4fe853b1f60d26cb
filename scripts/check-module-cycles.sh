#!/usr/bin/env bash
# Lists the import edges between attribution's rooms (app/src/attribution/
# <room>/) and fails if they form a cycle. An edge is a path naming another
# room from inside one: `crate::attribution::<room>`, `super::<room>` or
# `super::super::<room>`, also inside `use ...::{...}` groups. Edges within
# a room, and the face (attribution/mod.rs) re-exporting the rooms, are not
# counted. A file may name another room only through one of those paths.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$SF_ROOT/app/src/attribution}"

rooms=()
for d in "$DIR"/*/; do
  rooms+=("$(basename "$d")")
done
if [ "${#rooms[@]}" -eq 0 ]; then
  echo "no rooms under $DIR" >&2
  exit 1
fi
alternatives="$(IFS='|'; echo "${rooms[*]}")"

edges="$(mktemp)"
trap 'rm -f "$edges"' EXIT
for room in "${rooms[@]}"; do
  # Every path that starts at the attribution module or climbs to it, with
  # grouped imports spread out, then the room each one names.
  find "$DIR/$room" -name '*.rs' -print0 |
    xargs -0 cat |
    sed -E 's://.*$::' |
    tr '\n' ' ' |
    grep -oE '(crate::attribution|super(::super)*)::(\{[^}]*\}|[a-z_]+)' |
    sed -E 's/^(crate::attribution|super(::super)*):://; s/[{}]//g' |
    tr ',' '\n' |
    sed -E 's/^[[:space:]]+//; s/::.*$//; s/[[:space:]].*$//' |
    { grep -xE "$alternatives" || true; } |
    { grep -vx "$room" || true; } |
    sort -u |
    sed "s/^/$room /" >>"$edges"
done

echo "attribution room imports (room -> room it uses):"
if [ -s "$edges" ]; then
  sed 's/ / -> /' "$edges" | sed 's/^/  /'
else
  echo "  (none)"
fi
# Rooms without edges still belong to the order.
for room in "${rooms[@]}"; do echo "$room $room" >>"$edges"; done
if ! order="$(tsort "$edges" 2>&1 >/dev/null)" || [ -n "$order" ]; then
  echo "import cycle between attribution's rooms:" >&2
  echo "$order" | grep -v 'input contains a loop' | sed 's/^tsort: /  /' >&2
  exit 1
fi
echo "no cycles: $(tsort "$edges" | tac | tr '\n' ' ')(each uses only those before it)"
