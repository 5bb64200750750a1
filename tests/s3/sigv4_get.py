#!/usr/bin/env python3
"""Send one SigV4-signed GET (path style) to a local S3 server and print the
HTTP status and body. Used only to show that the test server checks
signatures: right secret accepted, wrong secret refused.

    sigv4_get.py ENDPOINT PATH ACCESS_KEY SECRET
"""
import datetime
import hashlib
import hmac
import sys
import urllib.error
import urllib.request

endpoint, path, access, secret = sys.argv[1:5]
host = endpoint.split("://", 1)[1]
now = datetime.datetime.now(datetime.timezone.utc)
amzdate, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
payload = hashlib.sha256(b"").hexdigest()
canonical = "\n".join(["GET", path, "", "host:" + host, "x-amz-content-sha256:" + payload,
                       "x-amz-date:" + amzdate, "", "host;x-amz-content-sha256;x-amz-date", payload])
scope = day + "/us-east-1/s3/aws4_request"
to_sign = "\n".join(["AWS4-HMAC-SHA256", amzdate, scope, hashlib.sha256(canonical.encode()).hexdigest()])
k = ("AWS4" + secret).encode()
for part in (day, "us-east-1", "s3", "aws4_request"):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
req = urllib.request.Request(endpoint + path, headers={
    "x-amz-date": amzdate, "x-amz-content-sha256": payload,
    "Authorization": "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=%s" % (access, scope, sig)})
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        print(r.status)
        print(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code)
    print(e.read().decode())
