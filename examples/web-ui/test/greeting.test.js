'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');

const {
  DEFAULT_NAME,
  MAX_NAME_LENGTH,
  formatGreeting,
  parseName,
  contentType,
} = require('../lib/greeting');

describe('formatGreeting', () => {
  const cases = [
    ['Ada', 'Hello, Ada'],
    ['  Grace  ', 'Hello, Grace'],
    ['', `Hello, ${DEFAULT_NAME}`],
    ['   ', `Hello, ${DEFAULT_NAME}`],
    [undefined, `Hello, ${DEFAULT_NAME}`],
    [42, `Hello, ${DEFAULT_NAME}`],
  ];
  for (const [input, expected] of cases) {
    it(`greets ${JSON.stringify(input)}`, () => {
      assert.equal(formatGreeting(input), expected);
    });
  }

  it('truncates long names', () => {
    const greeting = formatGreeting('x'.repeat(MAX_NAME_LENGTH + 10));
    assert.equal(greeting, `Hello, ${'x'.repeat(MAX_NAME_LENGTH)}`);
  });
});

describe('parseName', () => {
  it('reads the name parameter', () => {
    assert.equal(parseName('/api/greet?name=Ada'), 'Ada');
  });

  it('decodes percent-encoding and plus signs', () => {
    assert.equal(parseName('/api/greet?name=Grace%20Brewster+Hopper'), 'Grace Brewster Hopper');
  });

  it('returns an empty string when absent', () => {
    assert.equal(parseName('/api/greet'), '');
    assert.equal(parseName('/api/greet?other=1'), '');
  });
});

describe('contentType', () => {
  it('maps known extensions', () => {
    assert.equal(contentType('/srv/public/index.html'), 'text/html; charset=utf-8');
    assert.equal(contentType('app.JS'), 'text/javascript; charset=utf-8');
  });

  it('falls back to octet-stream', () => {
    assert.equal(contentType('README'), 'application/octet-stream');
    assert.equal(contentType('archive.tar.gz'), 'application/octet-stream');
  });
});
