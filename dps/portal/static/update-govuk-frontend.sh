#!/bin/sh
# Refresh the vendored GOV.UK Frontend (npm `govuk-frontend`, 6.x) and, for the browser tests, axe-core.
# Needs npm only here, at update time; nothing needs Node to install or run dps.
#   sh dps/portal/static/update-govuk-frontend.sh [version]      (default: the newest 6.x)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@${1:-6}" axe-core@4 >/dev/null
tar xzf govuk-frontend-*.tgz
dist=package/dist/govuk
# This is a consortium's service, not GOV.UK's: no GDS Transport font (its @font-face rules are
# dropped, so Arial is used), and no crown images or icons.
python3 - "$dist/govuk-frontend.min.css" "$here/govuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = css.replace('"GDS Transport",', "").replace("GDS Transport,", "")
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
cp "$dist/govuk-frontend.min.js" "$here/govuk-frontend.min.js"
node_version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' package/package.json | head -1)
echo "$node_version" > "$here/GOVUK_FRONTEND_VERSION"
rm -rf package && tar xzf axe-core-*.tgz && cp package/axe.min.js "$root/tests/portal/vendor/axe.min.js"
echo "vendored govuk-frontend $node_version and axe-core $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' package/package.json | head -1)"
