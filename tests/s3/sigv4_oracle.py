#!/usr/bin/env python3
"""The botocore oracle for lib/sigv4: generates requests with odd keys
(spaces, = + % & ; ~, unicode, runs of slashes), odd query values and
metadata with runs of spaces, signs them with botocore's S3SigV4Auth and
with our sigv4sign helper, and prints one TAP line per request.

    sigv4_oracle.py SIGV4SIGN N SEED
"""
import random
import subprocess
import sys
from urllib.parse import quote

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

helper, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
alphabet = list("abcXYZ019 -_.~=+%&;:,@$!*'()[]/") + ["\u00e9", "\u00fc", "\u4e2d", "\U0001f600"]
creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
cases = []
for _ in range(n):
    key = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 40))).replace("\t", "")
    method = rnd.choice(["GET", "PUT", "HEAD", "DELETE", "POST"])
    qname, qval = rnd.choice([("", ""), ("uploadId", "x"), ("partNumber", str(rnd.randint(1, 10000))),
                              ("prefix", key[:8]), ("continuation-token", "a+b/c=="), ("tagging", "")])
    meta = "".join(rnd.choice("ab  c=:/") for _ in range(rnd.randint(1, 12))).strip() or "x"
    cases.append((method, key, qname, qval, meta))
inp = "".join("\t".join(c) + "\n" for c in cases)
out = subprocess.run([helper], input=inp.encode(), stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
print("1..%d" % n)
fails = 0
for i, (method, key, qname, qval, meta) in enumerate(cases):
    url = "http://127.0.0.1:9000/bkt/" + quote(key, safe="/~")
    req = AWSRequest(method=method, url=url, params={qname: qval} if qname else {},
                     headers={"x-amz-meta-note": meta}, data=b"")
    auth = S3SigV4Auth(creds, "s3", "us-east-1")
    req.context["timestamp"] = "20261122T000000Z"
    auth._modify_request_before_signing(req)
    creq = auth.canonical_request(req)
    sig = auth.signature(auth.string_to_sign(req, creq), req)
    want = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/s3/aws4_request, " \
           "SignedHeaders=%s, Signature=%s" % (auth.signed_headers(auth.headers_to_sign(req)), sig)
    got = out[i] if i < len(out) else "(none)"
    if got == want:
        print("ok %d - %s %r ?%s=%r" % (i + 1, method, key, qname, qval))
    else:
        fails += 1
        print("not ok %d - %s %r ?%s=%r" % (i + 1, method, key, qname, qval))
        print("# got:  " + got)
        print("# want: " + want)
        print("# canonical request (botocore):\n# " + creq.replace("\n", "\n# "))
sys.exit(1 if fails else 0)
