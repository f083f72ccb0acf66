#!/usr/bin/env bash
# End-to-end check that IAM policies are enforced, with the real AWS CLI v2:
# a user allowed only kinesis:PutRecord* on one stream and s3:GetObject on
# one prefix can do exactly that; everything else is denied with AWS's
# errors; an explicit Deny beats an Allow; AssumeRole gives the role's
# permissions and no more.
# Usage: iam_policies.sh SHOAL_BINARY [AWS_CLI]   (AWS_CLI defaults to /usr/bin/aws)
set -euo pipefail

shoal=${1:?usage: iam_policies.sh SHOAL_BINARY [AWS_CLI]}
. "$(dirname "$0")/lib.sh"
start_shoal "$shoal" "${2:-/usr/bin/aws}" AKIAE2EPOLICYROOT001 e2ePolicyRootSecretE2ePolicyRootSecret01
# denied CODE MESSAGE -- CMD...: the command must fail with CODE and MESSAGE
# (a fixed string) in the CLI's "An error occurred (CODE) ..." line.
denied() {
  local code=$1 msg=$2 out
  shift 2
  out=$("$@" 2>&1) && fail "allowed, expected $code: $*"
  echo "$out" | grep -qF "($code)" || fail "expected $code from '$*', got: $out"
  echo "$out" | grep -qF -- "$msg" || fail "expected message '$msg' from '$*', got: $out"
}
acct=000000000000
stream_arn=arn:aws:kinesis:us-east-1:$acct:stream
user_arn=arn:aws:iam::$acct:user/e2e-producer
no_allow() { echo "User: $1 is not authorized to perform: $2 on resource: $3 because no identity-based policy allows the $2 action"; }

echo "# $("$aws_bin" --version 2>&1) against $endpoint"

# --- Resources, as root ---
aws kinesis create-stream --stream-name orders --shard-count 1
aws kinesis create-stream --stream-name other --shard-count 1
aws s3 mb s3://e2e-lake >/dev/null
echo '{"a":1}' >"$work/rec.json"
aws s3 cp "$work/rec.json" s3://e2e-lake/store-data/rec.json >/dev/null
aws s3 cp "$work/rec.json" s3://e2e-lake/private/rec.json >/dev/null
aws glue create-database --database-input Name=e2e_db
aws glue create-table --database-name e2e_db --table-input '{"Name":"t","StorageDescriptor":{"Columns":[{"Name":"a","Type":"int"}],"Location":"s3://e2e-lake/store-data/"}}'
ok "root creates streams orders and other, bucket e2e-lake, table e2e_db.t"

# --- A user allowed only kinesis:PutRecord* on orders and s3:GetObject on store-data/ ---
cat >"$work/producer.json" <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"kinesis:PutRecord*","Resource":"$stream_arn/orders"},
 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::e2e-lake/store-data/*"}]}
JSON
aws iam create-user --user-name e2e-producer >/dev/null
aws iam put-user-policy --user-name e2e-producer --policy-name produce --policy-document "file://$work/producer.json"
read -r kid ksecret < <(aws iam create-access-key --user-name e2e-producer --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
ok "create-user e2e-producer with its policy and an access key"

who=$(as "$kid" "$ksecret" "" sts get-caller-identity --query Arn --output text)
[ "$who" = "$user_arn" ] || fail "get-caller-identity: $who"
ok "sts get-caller-identity names the user"

as "$kid" "$ksecret" "" kinesis put-record --stream-name orders --partition-key k --data aGVsbG8= --cli-binary-format base64 >/dev/null
as "$kid" "$ksecret" "" kinesis put-records --stream-name orders --records Data=aGVsbG8=,PartitionKey=k >/dev/null
ok "kinesis put-record and put-records on orders succeed"
as "$kid" "$ksecret" "" s3api get-object --bucket e2e-lake --key store-data/rec.json "$work/got.json" >/dev/null
cmp -s "$work/got.json" "$work/rec.json" || fail "get-object content"
ok "s3api get-object under store-data/ succeeds"

denied AccessDeniedException "$(no_allow "$user_arn" kinesis:PutRecord "$stream_arn/other")" \
  as "$kid" "$ksecret" "" kinesis put-record --stream-name other --partition-key k --data aGVsbG8= --cli-binary-format base64
ok "kinesis put-record to another stream: AccessDeniedException naming user, action and stream"
denied AccessDeniedException "$(no_allow "$user_arn" kinesis:DescribeStream "$stream_arn/orders")" \
  as "$kid" "$ksecret" "" kinesis describe-stream --stream-name orders
ok "kinesis describe-stream (not granted): AccessDeniedException"

# The denials below are S3's, Glue's and Athena's mappings of their actions.
denied AccessDenied "$(no_allow "$user_arn" s3:ListAllMyBuckets "*")" as "$kid" "$ksecret" "" s3api list-buckets
ok "s3 ListBuckets: AccessDenied"
denied AccessDenied "is not authorized to perform: s3:GetObject" \
  as "$kid" "$ksecret" "" s3api get-object --bucket e2e-lake --key private/rec.json "$work/no.json"
ok "s3 get-object outside the prefix: AccessDenied"
denied AccessDeniedException "User: $user_arn is not authorized to perform: glue:GetTable on resource: arn:aws:glue:us-east-1:$acct:" \
  as "$kid" "$ksecret" "" glue get-table --database-name e2e_db --name t
ok "glue get-table: AccessDeniedException"
denied AccessDeniedException "User: $user_arn is not authorized to perform: athena:StartQueryExecution on resource: arn:aws:athena:us-east-1:$acct:workgroup/primary" \
  as "$kid" "$ksecret" "" athena start-query-execution --query-string "SELECT 1" --result-configuration OutputLocation=s3://e2e-lake/athena/
ok "athena start-query-execution: AccessDeniedException"

# --- An explicit Deny overrides the Allow, and removing it restores access ---
aws iam put-user-policy --user-name e2e-producer --policy-name freeze --policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"kinesis:PutRecords\",\"Resource\":\"*\"}]}"
denied AccessDeniedException "User: $user_arn is not authorized to perform: kinesis:PutRecords on resource: $stream_arn/orders with an explicit deny in an identity-based policy" \
  as "$kid" "$ksecret" "" kinesis put-records --stream-name orders --records Data=aGVsbG8=,PartitionKey=k
as "$kid" "$ksecret" "" kinesis put-record --stream-name orders --partition-key k --data aGVsbG8= --cli-binary-format base64 >/dev/null
ok "explicit Deny on kinesis:PutRecords beats the Allow (PutRecord still allowed)"
aws iam delete-user-policy --user-name e2e-producer --policy-name freeze
as "$kid" "$ksecret" "" kinesis put-records --stream-name orders --records Data=aGVsbG8=,PartitionKey=k >/dev/null
ok "delete-user-policy of the Deny: put-records allowed again at once"

# --- AssumeRole: the role's permissions, and only those ---
cat >"$work/trust.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"$user_arn"},"Action":"sts:AssumeRole"}]}
JSON
role_arn=$(aws iam create-role --role-name e2e-reader --assume-role-policy-document "file://$work/trust.json" --query Role.Arn --output text)
aws iam put-role-policy --role-name e2e-reader --policy-name read --policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kinesis:DescribeStream*\",\"kinesis:ListShards\"],\"Resource\":\"$stream_arn/*\"}]}"
# The user's own policy allows sts:AssumeRole on the role too: Shoal's STS
# checks the caller's policies as well as the role's trust policy.
aws iam put-user-policy --user-name e2e-producer --policy-name assume --policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"$role_arn\"}]}"
read -r tid tsecret ttoken < <(as "$kid" "$ksecret" "" sts assume-role --role-arn "$role_arn" --role-session-name e2e \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
session_arn=arn:aws:sts::$acct:assumed-role/e2e-reader/e2e
who=$(as "$tid" "$tsecret" "$ttoken" sts get-caller-identity --query Arn --output text)
[ "$who" = "$session_arn" ] || fail "assumed identity: $who"
ok "assume-role: get-caller-identity names $session_arn"
n=$(as "$tid" "$tsecret" "$ttoken" kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.OpenShardCount)
[ "$n" = 1 ] || fail "describe-stream-summary as the role: $n"
ok "temporary credentials: describe-stream-summary allowed by the role's policy"
denied AccessDeniedException "$(no_allow "$session_arn" kinesis:PutRecord "$stream_arn/orders")" \
  as "$tid" "$tsecret" "$ttoken" kinesis put-record --stream-name orders --partition-key k --data aGVsbG8= --cli-binary-format base64
ok "temporary credentials: put-record (the user's permission, not the role's) denied"

echo "$pass passed, 0 failed"
