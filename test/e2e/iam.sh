#!/usr/bin/env bash
# End-to-end check of IAM and STS with the real AWS CLI (Query protocol):
# users, access keys, roles, policies, AssumeRole and temporary credentials.
# Usage: iam.sh SHOAL_BINARY [AWS_CLI]   (AWS_CLI defaults to /usr/bin/aws, v2)
set -euo pipefail

shoal=${1:?usage: iam.sh SHOAL_BINARY [AWS_CLI]}
. "$(dirname "$0")/lib.sh"
start_shoal "$shoal" "${2:-/usr/bin/aws}" AKIAE2EIAMROOTKEY001 e2eIamRootSecretE2eIamRootSecretE2eIam01
py() { python3 -c "$1" "${@:2}"; }

echo "# $("$aws_bin" --version 2>&1) against $endpoint"

# --- A user and its access key ---
arn=$(aws iam create-user --user-name e2e-writer --tags Key=team,Value=data --query User.Arn --output text)
[ "$arn" = arn:aws:iam::000000000000:user/e2e-writer ] || fail "create-user Arn $arn"
ok "create-user"
aws iam create-access-key --user-name e2e-writer >"$work/key.json"
key_id=$(py 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKey"]["AccessKeyId"])' "$work/key.json")
key_secret=$(py 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKey"]["SecretAccessKey"])' "$work/key.json")
case "$key_id" in AKIA*) ;; *) fail "access key id $key_id" ;; esac
ok "create-access-key: $key_id"

who=$(as "$key_id" "$key_secret" "" sts get-caller-identity --query Arn --output text)
[ "$who" = "$arn" ] || fail "get-caller-identity with the new key: $who"
ok "sts get-caller-identity with the user's key names the user"
# No policy yet: the key authenticates, and the call is denied (not InvalidClientTokenId).
out=$(as "$key_id" "$key_secret" "" kinesis list-streams 2>&1) && fail "kinesis list-streams allowed without a policy"
echo "$out" | grep -q AccessDeniedException || fail "kinesis with the user's key: $out"
ok "kinesis list-streams with the user's key authenticates (and is denied: no policy yet)"
# Reading oneself and assuming roles need permissions too.
aws iam put-user-policy --user-name e2e-writer --policy-name self --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","sts:AssumeRole"],"Resource":"*"}]}'
me=$(as "$key_id" "$key_secret" "" iam get-user --query User.UserName --output text)
[ "$me" = e2e-writer ] || fail "get-user without --user-name: $me"
ok "iam get-user without a name answers for the caller"

# --- Errors in IAM's shape ---
out=$(aws iam get-user --user-name nobody 2>&1) && fail "get-user of a missing user succeeded"
echo "$out" | grep -q "NoSuchEntity.*The user with name nobody cannot be found." || fail "missing user: $out"
out=$(aws iam create-user --user-name e2e-writer 2>&1) && fail "duplicate user accepted"
echo "$out" | grep -q EntityAlreadyExists || fail "duplicate user: $out"
ok "NoSuchEntity and EntityAlreadyExists"

# --- Inline and managed policies (documents come back URL-decoded by the CLI) ---
doc='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:PutRecord*","Resource":"arn:aws:kinesis:us-east-1:000000000000:stream/orders"}]}'
aws iam put-user-policy --user-name e2e-writer --policy-name put-orders --policy-document "$doc"
got=$(aws iam get-user-policy --user-name e2e-writer --policy-name put-orders --query PolicyDocument.Statement[0].Action --output text)
[ "$got" = "kinesis:PutRecord*" ] || fail "get-user-policy: $got"
ok "put-user-policy / get-user-policy round-trip"
parn=$(aws iam create-policy --policy-name e2e-read --policy-document "$doc" --query Policy.Arn --output text)
aws iam create-policy-version --policy-arn "$parn" --policy-document "$doc" --set-as-default >/dev/null
[ "$(aws iam get-policy --policy-arn "$parn" --query Policy.DefaultVersionId --output text)" = v2 ] || fail "default version"
[ "$(aws iam list-policy-versions --policy-arn "$parn" --query 'length(Versions)')" = 2 ] || fail "list-policy-versions"
ok "create-policy, create-policy-version --set-as-default, list-policy-versions"
aws iam attach-user-policy --user-name e2e-writer --policy-arn "$parn"
aws iam attach-user-policy --user-name e2e-writer --policy-arn arn:aws:iam::aws:policy/AmazonKinesisFullAccess
n=$(aws iam list-attached-user-policies --user-name e2e-writer --query 'length(AttachedPolicies)')
[ "$n" = 2 ] || fail "list-attached-user-policies: $n"
ok "attach-user-policy (customer and AWS managed)"

# --- The workshop's delivery role, and AssumeRole by the user ---
cat >"$work/trust.json" <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"Service":"firehose.amazonaws.com"},"Action":"sts:AssumeRole"},
 {"Effect":"Allow","Principal":{"AWS":"$arn"},"Action":"sts:AssumeRole"}]}
JSON
rarn=$(aws iam create-role --role-name e2e-firehose-role --assume-role-policy-document "file://$work/trust.json" --query Role.Arn --output text)
aws iam attach-role-policy --role-name e2e-firehose-role --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess
aws iam attach-role-policy --role-name e2e-firehose-role --policy-arn arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole
svc=$(aws iam get-role --role-name e2e-firehose-role --query 'Role.AssumeRolePolicyDocument.Statement[0].Principal.Service' --output text)
[ "$svc" = firehose.amazonaws.com ] || fail "get-role trust policy: $svc"
ok "create-role with the firehose trust policy, attach AmazonS3FullAccess and AWSGlueServiceRole"

as "$key_id" "$key_secret" "" sts assume-role --role-arn "$rarn" --role-session-name e2e-session >"$work/session.json"
read -r tid tsecret ttoken < <(py 'import json,sys; c=json.load(open(sys.argv[1]))["Credentials"]; print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])' "$work/session.json")
case "$tid" in ASIA*) ;; *) fail "temporary key id $tid" ;; esac
who=$(as "$tid" "$tsecret" "$ttoken" sts get-caller-identity --query Arn --output text)
[ "$who" = arn:aws:sts::000000000000:assumed-role/e2e-firehose-role/e2e-session ] || fail "assumed identity: $who"
# The role grants S3 and Glue, not Kinesis: signed and authenticated, then denied.
out=$(as "$tid" "$tsecret" "$ttoken" kinesis list-streams 2>&1) && fail "kinesis allowed outside the role's policies"
echo "$out" | grep -q "AccessDeniedException.*assumed-role/e2e-firehose-role/e2e-session" || fail "kinesis with temporary credentials: $out"
ok "assume-role: temporary credentials sign sts and kinesis calls"
out=$(as "$tid" "$tsecret" "" sts get-caller-identity 2>&1) && fail "temporary key without its token accepted"
echo "$out" | grep -q InvalidClientTokenId || fail "missing session token: $out"
ok "temporary key without its session token: InvalidClientTokenId"
out=$(as "$key_id" "$key_secret" "" sts assume-role --role-arn "$rarn" --role-session-name e2e-tagged --tags Key=team,Value=data 2>&1) &&
  fail "session tags accepted without sts:TagSession in the trust policy"
echo "$out" | grep -q "AccessDenied.*sts:TagSession" || fail "assume-role --tags: $out"
ok "assume-role --tags: refused without sts:TagSession in the trust policy"

# --- GetSessionToken: the user's permissions, but no IAM and no STS beyond AssumeRole/GetCallerIdentity ---
as "$key_id" "$key_secret" "" sts get-session-token --duration-seconds 900 >"$work/token.json"
read -r sid ssecret stoken < <(py 'import json,sys; c=json.load(open(sys.argv[1]))["Credentials"]; print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])' "$work/token.json")
who=$(as "$sid" "$ssecret" "$stoken" sts get-caller-identity --query Arn --output text)
[ "$who" = "$arn" ] || fail "session-token identity: $who"
out=$(as "$sid" "$ssecret" "$stoken" iam get-user 2>&1) && fail "IAM allowed with GetSessionToken credentials"
echo "$out" | grep -q InvalidClientTokenId || fail "IAM with GetSessionToken credentials: $out"
out=$(as "$sid" "$ssecret" "$stoken" sts get-session-token 2>&1) && fail "get-session-token with session credentials"
echo "$out" | grep -q "Cannot call GetSessionToken with session credentials" || fail "get-session-token with session credentials: $out"
ok "get-session-token: credentials name the user; IAM and a second GetSessionToken are refused"

# --- Permissions boundaries and ListEntitiesForPolicy ---
kfa=arn:aws:iam::aws:policy/AmazonKinesisFullAccess
aws iam put-user-permissions-boundary --user-name e2e-writer --permissions-boundary "$kfa"
got=$(aws iam get-user --user-name e2e-writer --query User.PermissionsBoundary.PermissionsBoundaryArn --output text)
[ "$got" = "$kfa" ] || fail "get-user boundary: $got"
out=$(as "$key_id" "$key_secret" "" iam get-user 2>&1) && fail "get-user allowed outside the boundary"
echo "$out" | grep -q "because no permissions boundary allows the iam:GetUser action" || fail "boundary denial: $out"
got=$(aws iam list-entities-for-policy --policy-arn "$kfa" --policy-usage-filter PermissionsBoundary --query 'PolicyUsers[].UserName' --output text)
[ "$got" = e2e-writer ] || fail "list-entities-for-policy PermissionsBoundary: $got"
got=$(aws iam list-policies --scope AWS --policy-usage-filter PermissionsBoundary --query 'Policies[].PolicyName' --output text)
[ "$got" = AmazonKinesisFullAccess ] || fail "list-policies --policy-usage-filter PermissionsBoundary: $got"
aws iam delete-user-permissions-boundary --user-name e2e-writer
me=$(as "$key_id" "$key_secret" "" iam get-user --query User.UserName --output text)
[ "$me" = e2e-writer ] || fail "get-user after removing the boundary: $me"
ok "permissions boundary: shown by get-user, caps the user, listed by list-entities-for-policy and list-policies, removed"

# --- Account password policy ---
out=$(aws iam get-account-password-policy 2>&1) && fail "password policy before one is set"
echo "$out" | grep -q "NoSuchEntity" || fail "get-account-password-policy unset: $out"
aws iam update-account-password-policy --minimum-password-length 14 --require-numbers --password-reuse-prevention 1
got=$(aws iam get-account-password-policy --query PasswordPolicy.MinimumPasswordLength --output text)
[ "$got" = 14 ] || fail "get-account-password-policy: $got"
aws iam create-user --user-name e2e-console >/dev/null
out=$(aws iam create-login-profile --user-name e2e-console --password 'Short-pass-1' 2>&1) && fail "short password accepted"
echo "$out" | grep -q "PasswordPolicyViolation.*does not conform to the account password policy" || fail "password policy: $out"
aws iam create-login-profile --user-name e2e-console --password 'long enough password 1' >/dev/null
aws iam delete-account-password-policy
ok "account password policy: set, read, enforced on create-login-profile, deleted"

# --- Pagination: the CLI follows Marker across pages of one ---
for i in 1 2 3; do aws iam create-user --user-name "e2e-page-$i" --path /paged/ >/dev/null; done
n=$(aws iam list-users --path-prefix /paged/ --page-size 1 --query 'length(Users)')
[ "$n" = 3 ] || fail "list-users over pages of one: $n"
ok "list-users --page-size 1 follows IsTruncated/Marker"

# --- Deactivating the key locks the user out; deletion needs an empty user ---
aws iam update-access-key --user-name e2e-writer --access-key-id "$key_id" --status Inactive
out=$(as "$key_id" "$key_secret" "" sts get-caller-identity 2>&1) && fail "inactive key accepted"
echo "$out" | grep -q InvalidClientTokenId || fail "inactive key: $out"
ok "update-access-key Inactive: requests are refused"
out=$(aws iam delete-user --user-name e2e-writer 2>&1) && fail "delete-user with keys succeeded"
echo "$out" | grep -q DeleteConflict || fail "delete-user with keys: $out"
aws iam delete-access-key --user-name e2e-writer --access-key-id "$key_id"
aws iam delete-user-policy --user-name e2e-writer --policy-name put-orders
aws iam delete-user-policy --user-name e2e-writer --policy-name self
aws iam detach-user-policy --user-name e2e-writer --policy-arn "$parn"
aws iam detach-user-policy --user-name e2e-writer --policy-arn arn:aws:iam::aws:policy/AmazonKinesisFullAccess
aws iam delete-user --user-name e2e-writer
ok "delete-user: DeleteConflict until keys and policies are gone, then deleted"
echo "$pass passed, 0 failed"
