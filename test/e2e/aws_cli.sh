#!/usr/bin/env bash
# End-to-end check of Shoal with the real AWS CLI: Kinesis streams and S3.
# Usage: aws_cli.sh SHOAL_BINARY [AWS_CLI]   (AWS_CLI defaults to /usr/bin/aws, v2)
set -euo pipefail

shoal=${1:?usage: aws_cli.sh SHOAL_BINARY [AWS_CLI]}
. "$(dirname "$0")/lib.sh"
start_shoal "$shoal" "${2:-/usr/bin/aws}" AKIAE2ETESTKEY000001 e2eSecretKeyE2eSecretKeyE2eSecretKey0001

echo "# $("$aws_bin" --version 2>&1) against $endpoint"

# --- Kinesis: a 2-shard stream, 500 records in, 500 records out ---
aws kinesis create-stream --stream-name e2e-orders --shard-count 2
aws kinesis wait stream-exists --stream-name e2e-orders
status=$(aws kinesis describe-stream-summary --stream-name e2e-orders --query StreamDescriptionSummary.StreamStatus --output text)
[ "$status" = ACTIVE ] || fail "stream status $status"
ok "create-stream + wait stream-exists: ACTIVE"

python3 - "$work/records.json" <<'PY'
import json, sys
recs = [{"Data": json.dumps({"InvoiceNo": str(i), "Quantity": i % 7}), "PartitionKey": "pk-%d" % i} for i in range(500)]
json.dump(recs, open(sys.argv[1], "w"))
PY
# v2 reads blobs as base64 unless told otherwise; v1 sends them as given.
raw_blobs=()
case "$("$aws_bin" --version 2>&1)" in aws-cli/2.*) raw_blobs=(--cli-binary-format raw-in-base64-out) ;; esac
failed=$(aws kinesis put-records "${raw_blobs[@]}" --stream-name e2e-orders --records "file://$work/records.json" --query FailedRecordCount --output text)
[ "$failed" = 0 ] || fail "put-records FailedRecordCount=$failed"
ok "put-records 500 records, FailedRecordCount 0"

total=0
: >"$work/got.txt"
for shard in $(aws kinesis list-shards --stream-name e2e-orders --query 'Shards[].ShardId' --output text); do
  it=$(aws kinesis get-shard-iterator --stream-name e2e-orders --shard-id "$shard" --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)
  while :; do
    aws kinesis get-records --shard-iterator "$it" --limit 200 >"$work/page.json"
    n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["Records"]))' "$work/page.json")
    python3 -c 'import json,sys,base64
for r in json.load(open(sys.argv[1]))["Records"]: print(json.loads(base64.b64decode(r["Data"]))["InvoiceNo"])' "$work/page.json" >>"$work/got.txt"
    total=$((total + n))
    behind=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["MillisBehindLatest"])' "$work/page.json")
    it=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("NextShardIterator",""))' "$work/page.json")
    [ "$n" = 0 ] && [ "$behind" = 0 ] && break
  done
done
[ "$total" = 500 ] || fail "read $total records, want 500"
[ "$(sort -n "$work/got.txt" | uniq | wc -l)" = 500 ] || fail "records read back are not the 500 put"
ok "get-shard-iterator + get-records on each shard: all 500 records back"

# --- S3: mb, 20 MB up and down, ls, rm ---
aws s3 mb s3://e2e-bucket >/dev/null
ok "s3 mb"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
aws s3 cp "$work/big.bin" s3://e2e-bucket/dir/big.bin >/dev/null
aws s3 cp s3://e2e-bucket/dir/big.bin "$work/big.down" >/dev/null
cmp "$work/big.bin" "$work/big.down" || fail "downloaded file differs"
ok "s3 cp 20 MB up and down, byte-identical"
listing=$(aws s3 ls --recursive s3://e2e-bucket)
echo "$listing" | grep -q "20971520 dir/big.bin" || fail "s3 ls --recursive: $listing"
ok "s3 ls --recursive lists the object with its size"
aws s3 rm s3://e2e-bucket/dir/big.bin >/dev/null
[ -z "$(aws s3 ls --recursive s3://e2e-bucket)" ] || fail "object still listed after rm"
ok "s3 rm"

# --- A wrong secret is refused with AWS's errors ---
out=$(AWS_SECRET_ACCESS_KEY=wrong-secret "$aws_bin" --endpoint-url "$endpoint" kinesis list-streams 2>&1) && fail "kinesis accepted a wrong secret"
echo "$out" | grep -q InvalidSignatureException || fail "kinesis wrong secret: $out"
out=$(AWS_SECRET_ACCESS_KEY=wrong-secret "$aws_bin" --endpoint-url "$endpoint" s3 ls s3://e2e-bucket 2>&1) && fail "s3 accepted a wrong secret"
echo "$out" | grep -q SignatureDoesNotMatch || fail "s3 wrong secret: $out"
ok "wrong secret refused: InvalidSignatureException (Kinesis), SignatureDoesNotMatch (S3)"

aws kinesis delete-stream --stream-name e2e-orders
ok "delete-stream"
echo "$pass passed, 0 failed"
