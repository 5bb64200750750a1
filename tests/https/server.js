// HTTP and HTTPS test server for lib/http and lib/tls (and later
// healthprobe): loopback only (LISTEN_HOST, default 127.0.0.1), a free
// port written to PORTFILE.
//   node server.js PORTFILE [KEY CERT [CA]]   (CA: ask for client certificates)
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');

const [portFile, key, cert, ca] = process.argv.slice(2);
function handle(req, res) {
  const u = new URL(req.url, 'http://x');
  if (u.pathname.startsWith('/record/')) {
    // A monitor (Healthchecks.io, a webhook): each request is appended to
    // PORTFILE.requests as one JSON line; "/fail/" in the path answers 500,
    // "/stall/" never answers.
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      fs.appendFileSync(portFile + '.requests',
        JSON.stringify({ method: req.method, url: req.url, type: req.headers['content-type'] || '',
          auth: req.headers.authorization || '', body }) + '\n');
      if (u.pathname.includes('/stall/')) return;
      const code = u.pathname.includes('/fail/') ? 500 : 200;
      res.writeHead(code, { 'Content-Type': 'text/plain', 'Content-Length': 3 });
      res.end('OK\n');
    });
  } else if (u.pathname === '/ok') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 6 });
    res.end('hello\n');
  } else if (u.pathname === '/chunked') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first chunk\n');
    setTimeout(() => { res.write('second chunk\n'); res.end('last chunk\n'); }, 20);
  } else if (u.pathname === '/port') {
    const body = String(req.socket.remotePort) + '\n';
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  } else if (u.pathname.startsWith('/status/')) {
    const code = parseInt(u.pathname.slice(8), 10);
    res.writeHead(code, code >= 300 && code < 400 ? { Location: '/ok', 'Content-Length': 0 } : { 'Content-Length': 0 });
    res.end();
  } else if (u.pathname === '/big') {
    const n = parseInt(u.searchParams.get('n') || '3145728', 10);
    res.writeHead(200, { 'Content-Length': n });
    res.end(Buffer.alloc(n, 'b'));
  } else if (u.pathname === '/close') {
    res.writeHead(200, { Connection: 'close' });
    res.end('until close\n');
  } else if (u.pathname === '/slow') {
    setTimeout(() => { res.writeHead(200, { 'Content-Length': 5 }); res.end('slow\n'); }, 3000);
  } else if (u.pathname === '/echo-header') {
    const body = String(req.headers['x-probe'] || 'none') + '\n';
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  } else if (u.pathname === '/whoami') {
    const c = req.socket.getPeerCertificate ? req.socket.getPeerCertificate() : null;
    const body = (c && c.subject ? c.subject.CN : 'anonymous') + '\n';
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  } else {
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  }
}
const server = key
  ? https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert),
      ca: ca ? fs.readFileSync(ca) : undefined, requestCert: !!ca, rejectUnauthorized: false }, handle)
  : http.createServer(handle);
server.keepAliveTimeout = 30000;
server.listen(0, process.env.LISTEN_HOST || '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
