#!/bin/sh
# Re-vendors ECharts from the npm registry: ./update.sh 6.1.0
# Then update vendor.json's version and sha256 (printed below).
set -eu
version=${1:?usage: update.sh VERSION}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
cp "$tmp/package/dist/echarts.min.js" "$dir/echarts.min.js"
cp "$tmp/package/LICENSE" "$dir/echarts.LICENSE"
sha256sum "$dir/echarts.min.js"
