#!/bin/sh
# lib/sigv4 against botocore (Debian python3-botocore) as the oracle: 300
# generated S3 requests with odd keys, query values and header values must
# get the same Authorization header from both.
. "$(dirname "$0")/support/lib.sh"
exec /usr/bin/python3 "$TOP/tests/s3/sigv4_oracle.py" "$PGOPS_TESTBIN/sigv4sign" 300 20261122
