#!/bin/sh
# Where s3put finds credentials: the environment, the shared credentials
# and config files (profiles), web identity through STS, the container
# endpoint and IMDSv2, each against local servers, each proven by an upload
# the signature-checking server accepts; and the order between them.
. "$(dirname "$0")/support/lib.sh"
plan 16
s3_start bkt
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_CONFIG_FILE \
	AWS_SHARED_CREDENTIALS_FILE AWS_CA_BUNDLE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION \
	AWS_DEFAULT_REGION AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_CONTAINER_CREDENTIALS_FULL_URI \
	AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN
export HOME=$T/home AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME/.aws"
node "$TOP/tests/s3/creds.js" "$T/creds.port" "$T/creds.log" role-jwt "Bearer ctoken" >"$T/creds.out" 2>&1 &
cpid=$!
stop_creds() { kill "$cpid"; }
on_exit stop_creds
wait_file "$T/creds.port" 30
C="http://127.0.0.1:$(cat "$T/creds.port")"
E="--endpoint $S3_ENDPOINT"
echo data >"$T/f"

AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER run s3put $E s3://bkt/env "$T/f"
is "$rc" 0 "environment keys"

printf '[default]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n[other]\naws_access_key_id=S3RVER\naws_secret_access_key=nope\n' >"$HOME/.aws/credentials"
run s3put $E s3://bkt/file "$T/f"
is "$rc" 0 "~/.aws/credentials [default]"
run s3put $E --profile other s3://bkt/file "$T/f"
is "$rc" 77 "--profile other (a wrong secret): refused, so the profile was used"
AWS_PROFILE=other run s3put $E s3://bkt/file "$T/f"
is "$rc" 77 "AWS_PROFILE selects the profile too"
rm "$HOME/.aws/credentials"

printf '[profile cfg]\nregion = us-east-1\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\ns3 =\n  endpoint_url = %s\n' \
	"$S3_ENDPOINT" >"$T/config"
AWS_CONFIG_FILE=$T/config AWS_PROFILE=cfg run s3put s3://bkt/cfg "$T/f"
is "$rc" 0 "config file profile: keys and the nested s3 endpoint_url"
printf '[default]\naws_access_key_id = S3RVER\n' >"$T/half"
AWS_SHARED_CREDENTIALS_FILE=$T/half run s3put $E s3://bkt/x "$T/f"
is "$rc" 78 "a profile with only the key id: configuration error 78"
like "$T/err" 'only one of aws_access_key_id and aws_secret_access_key' "naming what is missing"

printf 'role-jwt\n' >"$T/jwt"
AWS_WEB_IDENTITY_TOKEN_FILE=$T/jwt AWS_ROLE_ARN=arn:aws:iam::1:role/backup AWS_ENDPOINT_URL_STS=$C \
	run s3put $E s3://bkt/wi "$T/f"
is "$rc" 0 "web identity: the token exchanged at STS"
like "$T/creds.log" '^POST / .*Action=AssumeRoleWithWebIdentity.*RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fbackup.*WebIdentityToken=role-jwt' \
	"STS got the role and the token"
printf 'wrong\n' >"$T/jwt"
AWS_WEB_IDENTITY_TOKEN_FILE=$T/jwt AWS_ROLE_ARN=arn:aws:iam::1:role/backup AWS_ENDPOINT_URL_STS=$C \
	run s3put $E s3://bkt/wi "$T/f"
is "$rc" 69 "STS refusing the token: 69, nothing uploaded"

printf 'Bearer ctoken\n' >"$T/ctok"
AWS_CONTAINER_CREDENTIALS_FULL_URI=$C/creds AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$T/ctok \
	run s3put $E s3://bkt/ctr "$T/f"
is "$rc" 0 "container endpoint with the authorization token file"
like "$T/creds.log" '^GET /creds auth=Bearer ctoken' "the token was sent"
AWS_CONTAINER_CREDENTIALS_FULL_URI=$C/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong \
	run s3put $E s3://bkt/ctr "$T/f"
is "$rc" 69 "container endpoint refusing: 69"

AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT=$C run s3put $E s3://bkt/imds "$T/f"
is "$rc" 0 "IMDSv2: token, role, credentials"
like "$T/creds.log" '^GET /latest/meta-data/iam/security-credentials/backup-role .*imds=imds-token' \
	"the session token was used"

AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_CONTAINER_CREDENTIALS_FULL_URI=$C/creds \
	AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong run s3put $E s3://bkt/order "$T/f"
is "$rc" 0 "the environment comes before the container endpoint"
done_testing
