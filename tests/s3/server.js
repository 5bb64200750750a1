// The signature-checking S3 server for pgops tests: @20minutes/s3rver on
// loopback, path style, a fresh directory, SigV4 signatures verified (never
// allowMismatchedSignatures). Credentials: access key S3RVER, secret S3RVER.
//
//   node server.js DIR PORTFILE [BUCKET...] [--tls KEY CERT]
//
// Prints nothing; writes the port it listens on to PORTFILE once ready.
'use strict';
const fs = require('fs');
const S3rver = require('@20minutes/s3rver');

const args = process.argv.slice(2);
let key, cert;
const tls = args.indexOf('--tls');
if (tls >= 0) {
  key = fs.readFileSync(args[tls + 1]);
  cert = fs.readFileSync(args[tls + 2]);
  args.splice(tls, 3);
}
const [dir, portFile, ...buckets] = args;
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dir,
  vhostBuckets: false,
  allowMismatchedSignatures: false,
  configureBuckets: buckets.map((name) => ({ name })),
  key,
  cert,
});
server.run((err, addr) => {
  if (err) {
    console.error('s3rver:', err.message);
    process.exit(1);
  }
  fs.writeFileSync(portFile + '.tmp', String(addr.port));
  fs.renameSync(portFile + '.tmp', portFile);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
