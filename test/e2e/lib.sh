# Shared by the end-to-end scripts: start `shoal serve` on a free port with
# known root keys, point the AWS CLI at it, and clean up on exit.
# Usage (after `set -euo pipefail`): . lib.sh; start_shoal SHOAL_BINARY AWS_CLI KEY_ID SECRET
# Sets: work (temp dir), endpoint, aws_bin; defines aws (the CLI with --endpoint-url).

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_shoal() {
  local shoal=$1
  aws_bin=$(command -v "$2") || { echo "FAIL: no AWS CLI $2"; exit 1; }
  export AWS_ACCESS_KEY_ID=$3 AWS_SECRET_ACCESS_KEY=$4
  export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  SHOAL_ROOT_ACCESS_KEY_ID=$3 SHOAL_ROOT_SECRET_ACCESS_KEY=$4 \
    "$shoal" serve --data-dir "$work/data" --addr 127.0.0.1:0 --console-addr 127.0.0.1:0 --warehouse-addr 127.0.0.1:0 --log-level warn >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -q '^ready$' "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err"; echo "FAIL: server exited"; exit 1; }
    sleep 0.1
  done
  endpoint=$(awk '/AWS endpoint:/ {print $3}' "$work/server.out")
  [ -n "$endpoint" ] || { echo "FAIL: no endpoint in server output"; cat "$work/server.out"; exit 1; }
}

aws() { "$aws_bin" --endpoint-url "$endpoint" "$@"; }
