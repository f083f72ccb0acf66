#!/usr/bin/env bash
# The workshop's delivery role, end to end with the real AWS CLI v2 against
# `shoal serve` (service roles enforced, the default): a role trusting Firehose with
# AmazonS3FullAccess and AWSGlueServiceRole delivers; a role with only
# AWSGlueServiceRole (no s3:PutObject on the bucket) does not deliver,
# DescribeDeliveryStream says why, and once AmazonS3FullAccess is attached
# every record put in the meantime is delivered.
# Usage: service_roles.sh SHOAL_BINARY [AWS_CLI]   (AWS_CLI defaults to /usr/bin/aws)
set -euo pipefail

shoal=${1:?usage: service_roles.sh SHOAL_BINARY [AWS_CLI]}
. "$(dirname "$0")/lib.sh"
start_shoal "$shoal" "${2:-/usr/bin/aws}" AKIAE2EROLESROOT0001 e2eRolesRootSecretE2eRolesRootSecret0001
bucket=workshop-roles
# lines PREFIX: newline-delimited records delivered under PREFIX.
lines() {
  local n=0 key
  for key in $(aws s3api list-objects-v2 --bucket "$bucket" --prefix "$1" --query 'Contents[].Key' --output text); do
    [ "$key" = None ] && continue
    aws s3 cp "s3://$bucket/$key" "$work/obj" >/dev/null
    n=$((n + $(wc -l <"$work/obj")))
  done
  echo "$n"
}
has_lines() { [ "$(lines "$1")" = "$2" ]; }
put() { # put STREAM N: N JSON records, newline-terminated
  local records="" i
  for i in $(seq 1 "$2"); do
    records+="{\"Data\":\"$(printf '{"n":%d}\n' "$i" | base64 -w0)\"},"
  done
  aws firehose put-record-batch --delivery-stream-name "$1" --records "[${records%,}]" --query FailedPutCount --output text | grep -qx 0 ||
    fail "put-record-batch to $1"
}

# Debian's CLI models predate Firehose's 0-60 s buffering intervals and
# would refuse the 1 s this script uses before sending it.
printf '[default]\nparameter_validation = false\n' >"$work/cli-config"
export AWS_CONFIG_FILE="$work/cli-config"
echo "# $("$aws_bin" --version 2>&1) against $endpoint"
aws s3 mb "s3://$bucket" >/dev/null
cat >"$work/trust.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"firehose.amazonaws.com"},"Action":"sts:AssumeRole"}]}
JSON
for role in workshop-role partial-role; do
  aws iam create-role --role-name "$role" --assume-role-policy-document "file://$work/trust.json" >/dev/null
  aws iam attach-role-policy --role-name "$role" --policy-arn arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole
done
aws iam attach-role-policy --role-name workshop-role --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess
ok "roles created with the firehose trust policy"

stream() { # stream NAME ROLE PREFIX
  aws firehose create-delivery-stream --delivery-stream-name "$1" --extended-s3-destination-configuration \
    "{\"BucketARN\":\"arn:aws:s3:::$bucket\",\"RoleARN\":\"arn:aws:iam::000000000000:role/$2\",\"Prefix\":\"$3\",\"BufferingHints\":{\"SizeInMBs\":1,\"IntervalInSeconds\":1}}" >/dev/null
  until_ok 30 "$1 ACTIVE" bash -c "[ \"\$(\"$aws_bin\" --endpoint-url $endpoint firehose describe-delivery-stream --delivery-stream-name $1 --query DeliveryStreamDescription.DeliveryStreamStatus --output text)\" = ACTIVE ]"
}
stream workshop workshop-role ok/
put workshop 5
until_ok 30 "5 records delivered by the workshop role" has_lines ok/ 5
ok "the workshop role (AmazonS3FullAccess + AWSGlueServiceRole) delivers"

stream partial partial-role partial/
put partial 5
failure() {
  aws firehose describe-delivery-stream --delivery-stream-name partial --query 'DeliveryStreamDescription.FailureDescription.[Type,Details]' --output text
}
until_ok 30 "a FailureDescription" bash -c "[ -n \"\$(\"$aws_bin\" --endpoint-url $endpoint firehose describe-delivery-stream --delivery-stream-name partial --query DeliveryStreamDescription.FailureDescription.Type --output text | grep -v None)\" ]"
why=$(failure)
echo "$why" | grep -q "Access was denied" || fail "FailureDescription: $why"
[ "$(lines partial/)" = 0 ] || fail "the role without s3:PutObject delivered"
status=$(aws firehose describe-delivery-stream --delivery-stream-name partial --query DeliveryStreamDescription.DeliveryStreamStatus --output text)
[ "$status" = ACTIVE ] || fail "status $status, want ACTIVE"
ok "a role without s3:PutObject does not deliver; DescribeDeliveryStream says: $why"

put partial 3
aws iam attach-role-policy --role-name partial-role --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess
until_ok 60 "8 records after the fix" has_lines partial/ 8
until_ok 30 "the failure to clear" bash -c "[ \"\$(\"$aws_bin\" --endpoint-url $endpoint firehose describe-delivery-stream --delivery-stream-name partial --query DeliveryStreamDescription.FailureDescription --output text)\" = None ]"
ok "after attaching AmazonS3FullAccess every record (8) is delivered and the failure clears"
