#!/usr/bin/env bash
# The store-inventory workshop, end to end, with the real AWS CLI against
# `shoal serve`: S3 bucket, Glue table, the delivery role, Firehose delivery stream converting
# JSON to Parquet with dynamic partitioning, a batch of known records plus a
# malformed one, the lake layout, then the planning query through Athena
# compared value by value (API rows and the CSV in the output location).
# Usage: workshop.sh SHOAL_BINARY [AWS_CLI]   (AWS_CLI defaults to /usr/bin/aws, v2)
set -euo pipefail

shoal=${1:?usage: workshop.sh SHOAL_BINARY [AWS_CLI]}
. "$(dirname "$0")/lib.sh"
start_shoal "$shoal" "${2:-/usr/bin/aws}" AKIAWORKSHOPKEY00001 workshopSecretKeyWorkshopSecretKey000001

echo "# $("$aws_bin" --version 2>&1) against $endpoint"
bucket=shoal-workshop
query='SELECT * FROM conversion_db.conversion_table WHERE is_stock_low = true AND notification_sent = false'

# Every request body, the records and the expected answer, written once.
python3 - "$work" "$bucket" <<'PY'
import json, sys
work, bucket = sys.argv[1], sys.argv[2]
def dump(name, v):
    with open(f"{work}/{name}", "w", encoding="utf-8") as f:
        json.dump(v, f, ensure_ascii=False)

columns = [("store_id", "string"), ("product_id", "string"), ("product_name", "string"),
           ("current_stock", "int"), ("threshold_level", "int"), ("is_stock_low", "boolean"),
           ("check_timestamp", "bigint"), ("notification_sent", "boolean"), ("restock_status", "string")]
dump("table.json", {
    "Name": "conversion_table", "TableType": "EXTERNAL_TABLE",
    "Parameters": {"classification": "parquet", "EXTERNAL": "TRUE"},
    "StorageDescriptor": {
        "Columns": [{"Name": n, "Type": t} for n, t in columns],
        "Location": f"s3://{bucket}/store-data/",
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                      "Parameters": {"serialization.format": "1"}},
    },
})

role = "arn:aws:iam::000000000000:role/firehose-delivery-role"
dump("trust.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
     "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
jq = ('{store_id:.store_id,year:.check_timestamp|strftime("%Y"),month:.check_timestamp|strftime("%m"),'
      'day:.check_timestamp|strftime("%d"),hour:.check_timestamp|strftime("%H")}')
dump("destination.json", {
    "RoleARN": role, "BucketARN": f"arn:aws:s3:::{bucket}",
    "Prefix": "store-data/store_id=!{partitionKeyFromQuery:store_id}/!{partitionKeyFromQuery:year}/"
              "!{partitionKeyFromQuery:month}/!{partitionKeyFromQuery:day}/!{partitionKeyFromQuery:hour}/",
    "ErrorOutputPrefix": "error",
    # Dynamic partitioning requires 64 MB and forbids zero buffering: 1 s is the quickest.
    "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 1},
    "DynamicPartitioningConfiguration": {"Enabled": True, "RetryOptions": {"DurationInSeconds": 300}},
    "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": jq},
        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]},
    "DataFormatConversionConfiguration": {
        "Enabled": True,
        "SchemaConfiguration": {"RoleARN": role, "DatabaseName": "conversion_db", "TableName": "conversion_table",
                                "Region": "us-east-1", "VersionId": "LATEST"},
        "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}},
    },
})

# 300 stock checks of 5 stores, half in 03:00-04:00 UTC on 2025-07-17, half in the next hour.
names = ["Bánh mì", "Sữa tươi", "Gạo ST25", "Nước mắm", "Mì gói"]
records, expected = [], []
for i in range(300):
    stock, threshold, notified = i % 25, 10 + i % 7, i % 3 == 0
    low = stock < threshold
    r = {"store_id": f"STORE_{i % 5 + 1}", "product_id": f"PRD_{i % 5 + 1}", "product_name": names[i % 5],
         "current_stock": stock, "threshold_level": threshold, "is_stock_low": low,
         "check_timestamp": 1752721200 + (i % 2) * 3600 + i, "notification_sent": notified,
         "restock_status": ("đang xử lý" if notified else "chưa xử lý") if low else "đã xử lý"}
    records.append({"Data": json.dumps(r, ensure_ascii=False)})
    if low and not notified:
        expected.append([r[n] if t == "string" else str(r[n]).lower() for n, t in columns])
malformed = '{"store_id":"STORE_1","check_timestamp":1752724231,"current_stock":"many"}'
records.append({"Data": malformed})
dump("records.json", records)
dump("expected.json", {"columns": [n for n, _ in columns], "rows": expected})
with open(f"{work}/malformed.json", "w") as f:
    f.write(malformed)
print(f"# {len(records) - 1} records, {len(expected)} low on stock and not notified, plus 1 malformed")
PY

# --- S3 and Glue: the bucket and the table Firehose converts with ---
aws s3 mb "s3://$bucket" >/dev/null
ok "s3 mb s3://$bucket"
aws glue create-database --database-input Name=conversion_db
aws glue create-table --database-name conversion_db --table-input "file://$work/table.json"
cls=$(aws glue get-table --database-name conversion_db --name conversion_table --query 'Table.Parameters.classification' --output text)
[ "$cls" = parquet ] || fail "table classification $cls"
ok "glue create-database conversion_db, create-table conversion_table (parquet)"

# --- IAM: the delivery role ("without proper permissions, the streaming pipeline cannot function") ---
aws iam create-role --role-name firehose-delivery-role --assume-role-policy-document "file://$work/trust.json" >/dev/null
for policy in AmazonS3FullAccess service-role/AWSGlueServiceRole; do
  aws iam attach-role-policy --role-name firehose-delivery-role --policy-arn "arn:aws:iam::aws:policy/$policy"
done
ok "iam create-role firehose-delivery-role trusting Firehose, with AmazonS3FullAccess and AWSGlueServiceRole"

# --- Firehose: SI-Firehose with conversion, dynamic partitioning and the workshop prefixes ---
# CLI v2 builds before the end of 2023 carry a model where IntervalInSeconds
# starts at 60; AWS has since lowered it (zero buffering), and with dynamic
# partitioning 1 s is the least the service takes. Skip the CLI's client-side
# check for this one call so the test waits 1 s, not 60; the server validates.
printf '[default]\nparameter_validation = false\n' >"$work/no-client-validation.cfg"
AWS_CONFIG_FILE="$work/no-client-validation.cfg" aws firehose create-delivery-stream \
  --delivery-stream-name SI-Firehose --delivery-stream-type DirectPut \
  --extended-s3-destination-configuration "file://$work/destination.json" >/dev/null
stream_active() {
  [ "$(aws firehose describe-delivery-stream --delivery-stream-name SI-Firehose \
    --query DeliveryStreamDescription.DeliveryStreamStatus --output text)" = ACTIVE ]
}
until_ok 30 "SI-Firehose to be ACTIVE" stream_active
ok "firehose create-delivery-stream SI-Firehose: ACTIVE"

# v2 reads blobs as base64 unless told otherwise; v1 sends them as given.
raw_blobs=()
case "$("$aws_bin" --version 2>&1)" in aws-cli/2.*) raw_blobs=(--cli-binary-format raw-in-base64-out) ;; esac
failed=$(aws firehose put-record-batch "${raw_blobs[@]}" --delivery-stream-name SI-Firehose \
  --records "file://$work/records.json" --query FailedPutCount --output text)
[ "$failed" = 0 ] || fail "put-record-batch FailedPutCount=$failed"
ok "firehose put-record-batch 301 records, FailedPutCount 0"

# --- The lake: Parquet per store and hour, the malformed record under the error prefix ---
lake_complete() {
  aws s3 ls --recursive "s3://$bucket/" >"$work/ls.txt" || return 1
  python3 - "$work/ls.txt" <<'PY'
import re, sys
keys = [line.split(None, 3)[3] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
data = [k for k in keys if k.startswith("store-data/")]
errors = [k for k in keys if k.startswith("error")]
key_re = re.compile(r"^store-data/store_id=(STORE_[1-5])/2025/07/17/(0[34])/SI-Firehose-1-\d{4}(-\d\d){5}-[0-9a-f-]{36}\.parquet$")
for k in data:
    if not key_re.match(k):
        print(f"unexpected object {k}")
        sys.exit(2)
seen = {key_re.match(k).group(1, 2) for k in data}
want = {(f"STORE_{s}", h) for s in range(1, 6) for h in ("03", "04")}
sys.exit(0 if seen == want and errors else 1)
PY
}
# lake_complete exits 2 on an object outside the layout: fail at once.
lake_ready() {
  local rc=0
  lake_complete || rc=$?
  [ "$rc" = 2 ] && fail "the lake has an object outside store-data/store_id=STORE_n/2025/07/17/HH/"
  return "$rc"
}
until_ok 60 "Parquet objects for 5 stores x 2 hours and an error object" lake_ready
ok "s3 ls --recursive: .parquet under store-data/store_id=STORE_n/2025/07/17/HH/ for all 5 stores x 2 hours"

err_key=$(awk '$4 ~ /^error/ {print $4}' "$work/ls.txt" | head -n 1)
case "$err_key" in errorformat-conversion-failed/20[0-9][0-9]/*/SI-Firehose-1-*) ;; *) fail "error object key $err_key" ;; esac
aws s3 cp "s3://$bucket/$err_key" "$work/error.json" >/dev/null
python3 - "$work/error.json" "$work/malformed.json" <<'PY' || fail "error object does not carry the malformed record"
import base64, json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
raw = open(sys.argv[2], "rb").read()
assert len(lines) == 1 and base64.b64decode(lines[0]["rawData"]) == raw, lines
# Firehose names it lastErrorCode for conversion failures, errorCode otherwise.
assert lines[0].get("lastErrorCode") or lines[0].get("errorCode"), lines
PY
ok "the malformed record is under the error prefix ($err_key) with its raw data"

# --- Athena: the planning query, value by value ---
qid=$(aws athena start-query-execution --query-string "$query" \
  --query-execution-context Database=conversion_db \
  --result-configuration "OutputLocation=s3://$bucket/athena-results/" --query QueryExecutionId --output text)
query_done() {
  state=$(aws athena get-query-execution --query-execution-id "$qid" --query QueryExecution.Status.State --output text)
  case "$state" in
    SUCCEEDED) return 0 ;;
    FAILED | CANCELLED)
      fail "query $state: $(aws athena get-query-execution --query-execution-id "$qid" --query QueryExecution.Status.StateChangeReason --output text)" ;;
  esac
  return 1
}
until_ok 60 "query $qid to finish" query_done
ok "athena start-query-execution + get-query-execution: SUCCEEDED ($qid)"

aws athena get-query-results --query-execution-id "$qid" --output json >"$work/results.json"
python3 - "$work/results.json" "$work/expected.json" <<'PY' || fail "get-query-results differs from the records put"
import json, sys
res, exp = json.load(open(sys.argv[1], encoding="utf-8")), json.load(open(sys.argv[2], encoding="utf-8"))
info = res["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
assert [c["Name"] for c in info] == exp["columns"], info
types = ["varchar", "varchar", "varchar", "integer", "integer", "boolean", "bigint", "boolean", "varchar"]
assert [c["Type"] for c in info] == types, [c["Type"] for c in info]
rows = [[d.get("VarCharValue") for d in r["Data"]] for r in res["ResultSet"]["Rows"]]
assert rows and rows[0] == exp["columns"], rows[:1]  # Athena's header row
got, want = sorted(rows[1:]), sorted(exp["rows"])
if got != want:
    print("got %d rows, want %d" % (len(got), len(want)))
    print("missing:", [r for r in want if r not in got][:5])
    print("unexpected:", [r for r in got if r not in want][:5])
    sys.exit(1)
print(f"# {len(got)} rows match")
PY
ok "athena get-query-results: exactly the low-stock, not-notified records, value by value"

aws s3 cp "s3://$bucket/athena-results/$qid.csv" "$work/result.csv" >/dev/null
python3 - "$work/result.csv" "$work/expected.json" <<'PY' || fail "the result CSV differs from the records put"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
exp = json.load(open(sys.argv[2], encoding="utf-8"))
assert rows[0] == exp["columns"], rows[0]
assert sorted(rows[1:]) == sorted(exp["rows"]), (len(rows) - 1, len(exp["rows"]))
PY
ok "s3 cp s3://$bucket/athena-results/$qid.csv: the same rows"
echo "PASS"
