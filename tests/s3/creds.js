// Credential endpoints for the s3put tests, answering with the S3 test
// server's keys the way AWS's services answer: STS
// AssumeRoleWithWebIdentity (POST /, XML), the container credentials
// endpoint (GET /creds, JSON, Authorization checked) and IMDSv2 (PUT
// /latest/api/token, then the role and its JSON, token checked).
// Logs one line per request.
//
//   node creds.js PORTFILE LOGFILE ROLE_TOKEN CONTAINER_TOKEN
'use strict';
const http = require('http');
const fs = require('fs');

const [portFile, logFile, roleToken, containerToken] = process.argv.slice(2);
const log = (l) => fs.appendFileSync(logFile, l + '\n');
const exp = new Date(Date.now() + 3600e3).toISOString();
const json = JSON.stringify({ AccessKeyId: 'S3RVER', SecretAccessKey: 'S3RVER', Token: 'session-token', Expiration: exp });

http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    log(`${req.method} ${req.url} auth=${req.headers.authorization || ''} imds=${req.headers['x-aws-ec2-metadata-token'] || ''} body=${body}`);
    if (req.method === 'POST' && req.url === '/') {
      const p = new URLSearchParams(body);
      if (p.get('Action') !== 'AssumeRoleWithWebIdentity' || p.get('WebIdentityToken') !== roleToken) {
        res.writeHead(403);
        return res.end('<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>');
      }
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      return res.end(`<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>
<AccessKeyId>S3RVER</AccessKeyId><SecretAccessKey>S3RVER</SecretAccessKey><SessionToken>session-token</SessionToken>
<Expiration>${exp}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`);
    }
    if (req.url === '/creds') {
      if (req.headers.authorization !== containerToken) { res.writeHead(401); return res.end(); }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(json);
    }
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      res.writeHead(200);
      return res.end('imds-token');
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') { res.writeHead(401); return res.end(); }
    if (req.url === '/latest/meta-data/iam/security-credentials/') { res.writeHead(200); return res.end('backup-role'); }
    if (req.url === '/latest/meta-data/iam/security-credentials/backup-role') { res.writeHead(200); return res.end(json); }
    res.writeHead(404);
    res.end();
  });
}).listen(0, '127.0.0.1', function () {
  fs.writeFileSync(portFile + '.tmp', String(this.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
