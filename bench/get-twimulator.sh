#!/usr/bin/env bash
# Fetches twimulator (https://github.com/sprucehealth/twimulator, GPL-3.0) at
# the pinned commit into third_party/twimulator, where go.mod's replace
# directive finds it. third_party/ is not committed: holdlab neither ships
# nor links twimulator; only this comparison does.
#
#   ./get-twimulator.sh                 clone it (needs git and network)
#   TWIMULATOR_SRC=dir ./get-twimulator.sh
#                                       copy a checkout you already have
set -euo pipefail
cd "$(dirname "$0")"

repo=https://github.com/sprucehealth/twimulator
commit=69f0ee787ee64c4a63338c30e452551e228a488b
dest=third_party/twimulator

mkdir -p third_party
if [ -n "${TWIMULATOR_SRC:-}" ]; then
  rm -rf "$dest"
  cp -R "$TWIMULATOR_SRC" "$dest"
  echo "twimulator copied from $TWIMULATOR_SRC into bench/$dest"
  exit 0
fi
if [ -d "$dest/.git" ] && [ "$(git -C "$dest" rev-parse HEAD)" = "$commit" ]; then
  echo "twimulator already at $commit in bench/$dest"
  exit 0
fi
if [ -e "$dest" ] && [ ! -d "$dest/.git" ]; then
  echo "bench/$dest exists and is not a git checkout; remove it to clone afresh" >&2
  exit 1
fi
rm -rf "$dest"
git clone --quiet "$repo" "$dest"
git -C "$dest" -c advice.detachedHead=false checkout --quiet "$commit"
echo "twimulator $commit cloned into bench/$dest"
