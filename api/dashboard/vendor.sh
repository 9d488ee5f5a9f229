#!/bin/sh
# Re-fetch the dashboard's third-party browser assets from the npm registry at pinned versions
# (`make vendor`). They are committed and served by the API: nothing is fetched at run time.
# After changing a version, update static/vendor/README.md and SHA256SUMS (`sha256sum` lines).
set -eu

ECHARTS=6.1.0
SWAGGER_UI=5.35.0
REDOC=2.5.4

vendor="$(cd "$(dirname "$0")" && pwd)/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

unpack() {  # unpack <package@version> <dir>: the package's files under $tmp/<dir>
    tarball="$(cd "$tmp" && npm pack --silent "$1" | tail -n 1)"
    mkdir "$tmp/$2"
    tar -xzf "$tmp/$tarball" -C "$tmp/$2" --strip-components=1
}

unpack "echarts@$ECHARTS" echarts
unpack "swagger-ui-dist@$SWAGGER_UI" swagger-ui
unpack "redoc@$REDOC" redoc

cp "$tmp/echarts/dist/echarts.min.js" "$vendor/echarts.min.js"
cp "$tmp/echarts/LICENSE" "$vendor/echarts.LICENSE"
cp "$tmp/echarts/NOTICE" "$vendor/echarts.NOTICE"
cp "$tmp/echarts/licenses/LICENSE-d3" "$vendor/echarts.LICENSE-d3"

cp "$tmp/swagger-ui/swagger-ui-bundle.js" "$tmp/swagger-ui/swagger-ui.css" "$vendor/"
cp "$tmp/swagger-ui/swagger-ui-bundle.js.LICENSE.txt" "$vendor/"
cp "$tmp/swagger-ui/LICENSE" "$vendor/swagger-ui.LICENSE"
cp "$tmp/swagger-ui/NOTICE" "$vendor/swagger-ui.NOTICE"

cp "$tmp/redoc/bundles/redoc.standalone.js" "$tmp/redoc/bundles/redoc.standalone.js.LICENSE.txt" "$vendor/"
cp "$tmp/redoc/LICENSE" "$vendor/redoc.LICENSE"
# The one change to a vendored file: ReDoc's sidebar shows a logo from cdn.redoc.ly, the only
# thing any of these bundles fetches from elsewhere. An empty data: URL makes it hide the image.
logo="https://cdn.redoc.ly/redoc/logo-mini.svg"
grep -q "$logo" "$vendor/redoc.standalone.js"
sed -i "s#$logo#data:,#" "$vendor/redoc.standalone.js"

cd "$vendor"
if [ -f SHA256SUMS ]; then
    sha256sum -c --quiet SHA256SUMS
fi
echo "vendored echarts $ECHARTS, swagger-ui-dist $SWAGGER_UI, redoc $REDOC into $vendor"
