# Sourced by .ci/run. Native addons (better-sqlite3) are built for one Node ABI at a time:
# `use_native_addons <node-bin-dir> <node-headers-dir>` puts in place the build for that Node,
# compiled from source against its headers the first time and kept in .ci/addons/<abi>/ after.
addon_rel="node_modules/better-sqlite3/build/Release/better_sqlite3.node"

# Keeps the build npm made for the Node that installed the packages, to be put back at the end.
keep_native_addons() {
  local abi version
  abi="$(node -p 'process.versions.modules')"
  version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
  mkdir -p .ci/addons
  cp "$addon_rel" ".ci/addons/better-sqlite3-$version-abi$abi.node"
}

use_native_addons() {
  local bin="$1" headers="$2"
  local abi version cached
  abi="$("$bin/node" -p 'process.versions.modules')"
  version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
  cached=".ci/addons/better-sqlite3-$version-abi$abi.node"
  if [ -f "$cached" ]; then
    cp "$cached" "$addon_rel"
  else
    printf 'building better-sqlite3 %s for Node ABI %s\n' "$version" "$abi"
    PATH="$bin:$PATH" npm_config_nodedir="$headers" npm rebuild better-sqlite3 >/dev/null
    mkdir -p .ci/addons
    cp "$addon_rel" "$cached"
  fi
  # The addon must load in that Node, or every SQLite test would fail with a confusing error.
  "$bin/node" -e 'new (require("better-sqlite3"))(":memory:").close()'
}
