// A fault-injecting HTTP proxy for the s3put tests: forwards every request
// to the S3 server, except those matching a rule, which it answers with a
// fault a given number of times. Logs "METHOD URL -> what" per request.
//
//   node faultproxy.js UPSTREAM_PORT PORTFILE LOGFILE [RULE...]
//
// RULE is KIND:METHOD:SUBSTRING:COUNT[:ARG...], COUNT 0 meaning always:
//   reset     close the connection without answering
//   stall     never answer (the client's deadline must fire)
//   status    answer ARG1 (HTTP status) with the S3 error code ARG2
//   err200    answer 200 with an <Error> body (as Complete can)
//   skew      answer 403 RequestTimeTooSkewed with a Date ARG1 seconds ahead
'use strict';
const http = require('http');
const fs = require('fs');

const [upPort, portFile, logFile, ...ruleArgs] = process.argv.slice(2);
const rules = ruleArgs.map((r) => {
  const [kind, method, sub, count, ...args] = r.split(':');
  return { kind, method, sub, left: Number(count) || Infinity, args };
});
const log = (line) => fs.appendFileSync(logFile, line + '\n');

function errorXml(code) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by the test proxy</Message></Error>`;
}

const server = http.createServer((req, res) => {
  const rule = rules.find((r) => r.left > 0 && r.method === req.method && req.url.includes(r.sub));
  if (rule) {
    rule.left--;
    log(`${req.method} ${req.url} -> ${rule.kind}`);
    switch (rule.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall':
        req.resume();
        return;
      case 'status':
        req.resume();
        req.on('end', () => {
          res.writeHead(Number(rule.args[0]), { 'Content-Type': 'application/xml' });
          res.end(errorXml(rule.args[1]));
        });
        return;
      case 'err200':
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/xml' });
          res.end(errorXml('InternalError'));
        });
        return;
      case 'skew':
        req.resume();
        req.on('end', () => {
          const d = new Date(Date.now() + Number(rule.args[0]) * 1000);
          res.writeHead(403, { 'Content-Type': 'application/xml', Date: d.toUTCString() });
          res.end(errorXml('RequestTimeTooSkewed'));
        });
        return;
    }
  }
  log(`${req.method} ${req.url} -> forward`);
  const up = http.request({ host: '127.0.0.1', port: upPort, method: req.method, path: req.url,
    headers: req.headers }, (ur) => {
    res.writeHead(ur.statusCode, ur.headers);
    ur.pipe(res);
  });
  up.on('error', () => req.socket.destroy());
  req.pipe(up);
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
