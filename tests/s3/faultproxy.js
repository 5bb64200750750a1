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
//   empty200  answer 200 with an empty body, forwarding nothing
//   fwdempty  forward, and answer the store's status with an empty body
//   body200   answer 200 with the canned body ARG1: error (an <Error>),
//             html (a proxy's page), hello, notoken (a truncated listing
//             without a token), sametoken (a listing that always gives the
//             token "t"), nulkey (a url-encoded key holding %00), crkey
//             (one holding a carriage return), esckey (one holding a
//             terminal escape)
//   fwd500    forward, and answer 500 InternalError whatever the store said
//             (a Complete that succeeded on the store but not on the wire)
//   emptyetag forward, and empty every <ETag> of the store's answer (as
//             Ceph RGW answers CompleteMultipartUpload)
//   flipreq   forward with one byte of the request's body flipped (a part
//             damaged on its way to the store)
//   fliprsp   forward, with one byte of the answer's body flipped (an
//             object damaged on its way back; XML answers are left alone)
//   range     answer a ranged GET itself with 206 and as many zero bytes as
//             asked for, but ARG1 "shift": a Content-Range one byte later;
//             "etag": the right Content-Range and another ETag; "nocr": no
//             Content-Range at all
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

// The request to the S3 server for req, its answer to onAnswer; a failure
// drops the client's connection.
function upstream(req, onAnswer) {
  const up = http.request({ host: '127.0.0.1', port: upPort, method: req.method, path: req.url,
    headers: req.headers }, onAnswer);
  up.on('error', () => req.socket.destroy());
  return up;
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
      case 'empty200':
        req.resume();
        req.on('end', () => { res.writeHead(200, { 'Content-Length': '0' }); res.end(); });
        return;
      case 'fwdempty': {
        const up = http.request({ host: '127.0.0.1', port: upPort, method: req.method, path: req.url,
          headers: req.headers }, (ur) => {
          ur.resume();
          ur.on('end', () => { res.writeHead(ur.statusCode, { 'Content-Length': '0' }); res.end(); });
        });
        up.on('error', () => req.socket.destroy());
        req.pipe(up);
        return;
      }
      case 'fwd500':
      case 'emptyetag': {
        const up = http.request({ host: '127.0.0.1', port: upPort, method: req.method, path: req.url,
          headers: req.headers }, (ur) => {
          const chunks = [];
          ur.on('data', (c) => chunks.push(c));
          ur.on('end', () => {
            if (rule.kind === 'fwd500') {
              res.writeHead(500, { 'Content-Type': 'application/xml' });
              res.end(errorXml('InternalError'));
              return;
            }
            const body = Buffer.concat(chunks).toString().replace(/<ETag>[^<]*<\/ETag>/g, '<ETag></ETag>');
            const headers = { ...ur.headers, 'content-length': String(Buffer.byteLength(body)) };
            delete headers['transfer-encoding'];
            res.writeHead(ur.statusCode, headers);
            res.end(body);
          });
        });
        up.on('error', () => req.socket.destroy());
        req.pipe(up);
        return;
      }
      case 'flipreq': {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          if (body.length) body[body.length >> 1] ^= 0x01;
          upstream(req, (ur) => {
            res.writeHead(ur.statusCode, ur.headers);
            ur.pipe(res);
          }).end(body);
        });
        return;
      }
      case 'fliprsp': {
        req.pipe(upstream(req, (ur) => {
          const chunks = [];
          ur.on('data', (c) => chunks.push(c));
          ur.on('end', () => {
            const body = Buffer.concat(chunks);
            // An object's bytes, not the store's XML answers (tagging).
            if (body.length && !/xml/.test(ur.headers['content-type'] || '')) body[body.length >> 1] ^= 0x01;
            res.writeHead(ur.statusCode, ur.headers);
            res.end(body);
          });
        }));
        return;
      }
      case 'body200': {
        const lbr = (inner) => `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult>` +
          `<Name>bkt</Name><EncodingType>url</EncodingType>${inner}</ListBucketResult>`;
        const entry = (k) => `<Contents><Key>${k}</Key><LastModified>2026-12-01T00:00:00.000Z</LastModified>` +
          `<ETag>"x"</ETag><Size>1</Size></Contents>`;
        const bodies = {
          error: errorXml('InternalError'),
          html: '<html><body><h1>502 Bad Gateway</h1></body></html>',
          hello: 'hello',
          notoken: lbr(`${entry('f/a')}<IsTruncated>true</IsTruncated>`),
          sametoken: lbr(`${entry('f/a')}<IsTruncated>true</IsTruncated><NextContinuationToken>t</NextContinuationToken>`),
          nulkey: lbr(`${entry('f/a%00b')}${entry('f/c')}<IsTruncated>false</IsTruncated>`),
          crkey: lbr(`${entry('f/a%0Db')}${entry('f/c')}<IsTruncated>false</IsTruncated>`),
          esckey: lbr(`${entry('f/a%1B%5B2Jb')}${entry('f/c')}<IsTruncated>false</IsTruncated>`),
        };
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/xml' });
          res.end(bodies[rule.args[0]]);
        });
        return;
      }
      case 'range': {
        const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range || '');
        req.resume();
        req.on('end', () => {
          const a = Number(m[1]), b = Number(m[2]), shift = rule.args[0] === 'shift' ? 1 : 0;
          const headers = { 'Content-Type': 'application/octet-stream',
            'Content-Range': `bytes ${a + shift}-${b + shift}/*`,
            ETag: rule.args[0] === 'etag' ? '"0123456789abcdef0123456789abcdef"' : req.headers['if-match'] };
          if (rule.args[0] === 'nocr') delete headers['Content-Range'];
          res.writeHead(206, headers);
          res.end(Buffer.alloc(b - a + 1));
        });
        return;
      }
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
  req.pipe(upstream(req, (ur) => {
    res.writeHead(ur.statusCode, ur.headers);
    ur.pipe(res);
  }));
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
