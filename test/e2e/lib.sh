# Shared by the end-to-end scripts: start `shoal serve` on a free port with
# known root keys, point the AWS CLI at it, clean up on exit, and report checks.
# Usage (after `set -euo pipefail`): . lib.sh; start_shoal SHOAL_BINARY AWS_CLI KEY_ID SECRET
# Sets: work (temp dir), endpoint, aws_bin; defines aws (the CLI with
# --endpoint-url), ok, fail, until_ok and as (below).

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

# Reporting: ok counts a passed check; fail stops the script with the
# server's last log lines.
pass=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
fail() {
  echo "FAIL - $*"
  echo "# server log:"; tail -n 30 "$work/server.err" 2>/dev/null || true
  exit 1
}
# until_ok SECONDS WHAT COMMAND...: retry COMMAND until it succeeds or time runs out.
until_ok() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}
# as KEY SECRET TOKEN CMD...: run the CLI with other credentials (TOKEN may be "").
as() {
  local id=$1 secret=$2 token=$3
  shift 3
  AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token aws "$@"
}
