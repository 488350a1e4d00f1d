'use strict';

// A tiny static-file server: public/ at /, a greeting API and a health check.
const http = require('node:http');
const fs = require('node:fs/promises');
const path = require('node:path');

const { formatGreeting, parseName, contentType } = require('./lib/greeting');

const PUBLIC_DIR = path.join(__dirname, 'public');

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
  }
  const { pathname } = new URL(req.url, 'http://localhost');
  if (pathname === '/healthz') {
    return send(res, 200, 'text/plain; charset=utf-8', 'ok');
  }
  if (pathname === '/api/greet') {
    const body = JSON.stringify({ greeting: formatGreeting(parseName(req.url)) });
    return send(res, 200, 'application/json', body);
  }
  let relative;
  try {
    relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).slice(1);
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'bad request');
  }
  const file = path.resolve(PUBLIC_DIR, relative);
  if (!file.startsWith(PUBLIC_DIR + path.sep)) {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  }
  try {
    const body = await fs.readFile(file);
    return send(res, 200, contentType(file), body);
  } catch {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  }
}

/** Create the HTTP server (not yet listening). */
function createServer() {
  return http.createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, 'text/plain; charset=utf-8', 'internal error'));
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT) || 3000;
  const server = createServer();
  server.listen(port, () => console.log(`web-ui listening on :${port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

module.exports = { createServer };
