"""The reference client's view of a bucket, for the Object Lock tests:
botocore makes the buckets (s3put never does) and reads back versions,
retention and legal holds as the store reports them.

  botoctl.py ENDPOINT mkbucket NAME [lock]
  botoctl.py ENDPOINT versions BUCKET     a line per version or delete marker
  botoctl.py ENDPOINT lock BUCKET KEY     MODE UNTIL HOLD of the current version
  botoctl.py ENDPOINT get BUCKET KEY [SSE-C-KEY-FILE]   the object on stdout
  botoctl.py ENDPOINT put BUCKET KEY FILE  an object as a client other than s3put writes it
"""
import datetime
import os
import sys

import botocore.config
import botocore.session


def client(endpoint):
    s = botocore.session.get_session()
    return s.create_client('s3', endpoint_url=endpoint, region_name='us-east-1',
                           aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'],
                           aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'],
                           config=botocore.config.Config(s3={'addressing_style': 'path'}))


def utc(t):
    return t.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def lock(c, bucket, key):
    mode, until, hold = '-', '-', 'OFF'
    try:
        ret = c.get_object_retention(Bucket=bucket, Key=key)['Retention']
        mode, until = ret['Mode'], utc(ret['RetainUntilDate'])
    except c.exceptions.ClientError as e:
        if e.response['Error']['Code'] not in ('NoSuchObjectLockConfiguration', 'ObjectLockConfigurationNotFoundError', 'NoSuchKey'):
            raise
    try:
        hold = c.get_object_legal_hold(Bucket=bucket, Key=key)['LegalHold']['Status']
    except c.exceptions.ClientError as e:
        if e.response['Error']['Code'] not in ('NoSuchObjectLockConfiguration', 'ObjectLockConfigurationNotFoundError', 'NoSuchKey'):
            raise
    print(mode, until, hold)


def main():
    c = client(sys.argv[1])
    cmd, args = sys.argv[2], sys.argv[3:]
    if cmd == 'mkbucket':
        c.create_bucket(Bucket=args[0], ObjectLockEnabledForBucket=args[1:] == ['lock'])
    elif cmd == 'versions':
        r = c.list_object_versions(Bucket=args[0])
        for v in r.get('Versions', []):
            print('version', v['Key'])
        for m in r.get('DeleteMarkers', []):
            print('marker', m['Key'])
    elif cmd == 'lock':
        lock(c, args[0], args[1])
    elif cmd == 'put':
        with open(args[2], 'rb') as f:
            c.put_object(Bucket=args[0], Key=args[1], Body=f.read())
    elif cmd == 'get':
        extra = {}
        if len(args) > 2:
            with open(args[2], 'rb') as f:
                extra = {'SSECustomerAlgorithm': 'AES256', 'SSECustomerKey': f.read()}
        try:
            sys.stdout.buffer.write(c.get_object(Bucket=args[0], Key=args[1], **extra)['Body'].read())
        except c.exceptions.ClientError as e:
            sys.exit('refused: %s' % e.response['Error']['Code'])
    else:
        sys.exit('unknown command ' + cmd)


main()
