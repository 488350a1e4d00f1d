'use strict';

const { after, before, describe, it } = require('node:test');
const assert = require('node:assert/strict');

const { createServer } = require('../server');

describe('server', () => {
  let server;
  let base;

  before(async () => {
    server = createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });

  after(() => new Promise((resolve) => server.close(resolve)));

  it('answers the health check', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
  });

  it('serves index.html at /', async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.match(await res.text(), /<title>web-ui<\/title>/);
  });

  it('greets through the API', async () => {
    const res = await fetch(`${base}/api/greet?name=Ada`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { greeting: 'Hello, Ada' });
  });

  it('returns 404 for missing files and path traversal', async () => {
    assert.equal((await fetch(`${base}/missing.html`)).status, 404);
    assert.equal((await fetch(`${base}/..%2Fpackage.json`)).status, 404);
  });

  it('rejects malformed percent-encoding', async () => {
    assert.equal((await fetch(`${base}/%E0%A4%A`)).status, 400);
  });

  it('rejects other methods', async () => {
    const res = await fetch(`${base}/`, { method: 'POST' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });
});
