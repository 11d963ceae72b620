# Sourced by .ci/run. Native addons (better-sqlite3) are built for one Node ABI at a time:
# `use_native_addons <node-bin-dir> <node-headers-dir>` puts in place the build for that Node,
# compiled from source against its headers the first time and kept in .ci/addons/ after.
addon_rel="node_modules/better-sqlite3/build/Release/better_sqlite3.node"

# Whether the addon in place loads in the Node of the bin directory $1.
addon_loads() {
  "$1/node" -e 'new (require("better-sqlite3"))(":memory:").close()' 2>/dev/null
}

# Where the build for the Node of the bin directory $1 is kept.
cached_addon() {
  local abi version
  abi="$("$1/node" -p 'process.versions.modules')"
  version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
  printf '.ci/addons/better-sqlite3-%s-abi%s.node' "$version" "$abi"
}

# Keeps the build npm made for the Node that installed the packages, to be put back at the end.
keep_native_addons() {
  local bin cached
  bin="$(dirname "$(command -v node)")"
  cached="$(cached_addon "$bin")"
  addon_loads "$bin" || { echo "better-sqlite3 does not load in $(node --version)" >&2; return 1; }
  mkdir -p .ci/addons
  cp "$addon_rel" "$cached"
}

use_native_addons() {
  local bin="$1" headers="$2" cached
  cached="$(cached_addon "$bin")"
  if [ -f "$cached" ]; then
    cp "$cached" "$addon_rel"
    addon_loads "$bin" && return 0
    rm -f "$cached" # a stale or broken copy: build it again
  fi
  printf 'building better-sqlite3 for Node %s\n' "$("$bin/node" --version)"
  PATH="$bin:$PATH" npm_config_nodedir="$headers" npm rebuild better-sqlite3 >/dev/null
  # The addon must load in that Node, or every SQLite test would fail with a confusing error.
  addon_loads "$bin" || { echo "better-sqlite3 does not load in $("$bin/node" --version)" >&2; return 1; }
  mkdir -p .ci/addons
  cp "$addon_rel" "$cached"
}
