'use strict';

/** Name greeted when the query names nobody. */
const DEFAULT_NAME = 'world';

/** Longest name echoed back; longer names are truncated. */
const MAX_NAME_LENGTH = 64;

/**
 * Build the greeting for `name`, falling back to DEFAULT_NAME when it is blank.
 * @param {unknown} name
 * @returns {string}
 */
function formatGreeting(name) {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  const who = trimmed === '' ? DEFAULT_NAME : trimmed.slice(0, MAX_NAME_LENGTH);
  return `Hello, ${who}`;
}

/**
 * Read the `name` query parameter from a request URL (path plus query string).
 * @param {string} url
 * @returns {string} the decoded name, or '' when absent
 */
function parseName(url) {
  const { searchParams } = new URL(url, 'http://localhost');
  return searchParams.get('name') ?? '';
}

/**
 * Content type for a file served from public/.
 * @param {string} filePath
 * @returns {string}
 */
function contentType(filePath) {
  const types = {
    '.html': 'text/html; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
  };
  const dot = filePath.lastIndexOf('.');
  const ext = dot === -1 ? '' : filePath.slice(dot).toLowerCase();
  return types[ext] ?? 'application/octet-stream';
}

module.exports = { DEFAULT_NAME, MAX_NAME_LENGTH, formatGreeting, parseName, contentType };
