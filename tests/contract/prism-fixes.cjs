// Preloaded into Prism (`node --require <abs>/prism-fixes.cjs node_modules/.bin/prism mock ...`)
// by tests/tests/contract_prism.rs. It fixes three bugs of @stoplight/prism-cli 5.14.2: two
// make Prism's request validation blind to query parameter mistakes (the fixes only make
// Prism stricter, closer to OpenAPI), one makes it crash on some valid requests. Responses
// and routing are unchanged.
//
// 1. Query parameter names were matched case-insensitively. The validator lowercases both the
//    documented names and the request's names (prism-http/dist/validator/validators/params.js),
//    so `teamID=1` satisfies a required `teamId`. OpenAPI: "Parameter names are case
//    sensitive" (header names excepted). Fix: a request name equal to a documented name only
//    when case is ignored is treated as an unknown parameter (which Prism ignores), so a
//    required parameter spelt differently is reported missing.
//
// 2. Bracketed query parameter names were never validated. Once listening, `prism mock` logs
//    an example request per operation, and `createQueryUriTemplate`
//    (prism-cli/dist/util/paths.js) builds it by rewriting the operation's own parameter
//    objects: `spec.name = encodeURI(spec.name)` and `spec.explode ??= true`. From then on the
//    validator looks for `cols%5B%5D`, `pg%5Blimit%5D`, `type%5B%5D` while requests carry the
//    decoded names `cols[]`, `pg[limit]`, `type[]`, so those parameters count as absent:
//    `pg[sortDir]=bogus` or `pg[limit]=abc` got a 200. Fix: build the example from a copy of
//    the operation, keeping the other side effect, OpenAPI's default `explode: true` for
//    form-style query parameters (without it the validator uses `explode || false` and checks
//    only the last value of a repeated `cols[]`).
//
// 3. Some valid requests crashed Prism. The CLI logs each request (method, query, headers,
//    body) as a JSON line and pretty-prints it by passing every line through `jsonrepair`
//    before `JSON.parse` (prism-cli/dist/util/createServer.js, `pipeOutputToSignale`).
//    `jsonrepair` rewrites some valid JSON: `{"a":["x{![Ж"]}` becomes `{"a":["x",{"!":["Ж"]}]}`
//    and a query value such as `x{![Ж=^_~([# <_"]` turned a whole log line into an array.
//    The prettifier then looks up the line's logger name in `LOG_COLOR_MAP`, finds none and
//    throws, and the uncaught exception ends the process: the client sees "connection reset"
//    (seen once in ~3300 random requests). Fix: parse the line as JSON first and repair only
//    lines that are not JSON; print a line that still has no known logger name as is
//    instead of throwing.
'use strict';

const path = require('node:path');

const stoplight = path.join(__dirname, 'node_modules', '@stoplight');

function patch(module, name, file) {
  if (typeof module[name] !== 'function') {
    throw new Error(
      `prism-fixes.cjs: ${file} has no function \`${name}\`; Prism changed, review the fixes`,
    );
  }
  return module[name];
}

// 3. Before prism-cli's createServer.js is loaded, since it keeps the `split2` it requires.
const prismCli = path.join(stoplight, 'prism-cli');
const optionsFile = path.join(prismCli, 'dist', 'const', 'options.js');
const { LOG_COLOR_MAP } = require(optionsFile);
if (!LOG_COLOR_MAP || typeof LOG_COLOR_MAP !== 'object') {
  throw new Error(`prism-fixes.cjs: ${optionsFile} has no LOG_COLOR_MAP; Prism changed, review the fixes`);
}
const split2File = require.resolve('split2', { paths: [prismCli] });
const split2 = require(split2File);
require.cache[split2File].exports = function split(mapper, ...rest) {
  if (typeof mapper !== 'function') {
    return split2(mapper, ...rest);
  }
  return split2(chunk => {
    let line;
    try {
      line = JSON.parse(chunk);
    } catch {
      line = mapper(chunk);
    }
    const known =
      line && typeof line === 'object' && Object.prototype.hasOwnProperty.call(LOG_COLOR_MAP, line.name);
    return known ? line : { level: 'warn', name: 'CLI', msg: `(log line not understood) ${chunk}` };
  }, ...rest);
};

// 1. Before 2.: prism-http's validators/index.js copies `validate` into a table when it
// is loaded, and loading prism-cli's paths.js (for 2.) loads it.
const queryFile = path.join(stoplight, 'prism-http', 'dist', 'validator', 'validators', 'query.js');
const query = require(queryFile);
const validateQuery = patch(query, 'validate', queryFile);
query.validate = (target, specs, ...rest) => {
  const exact = new Set(specs.map(spec => spec.name));
  const folded = new Set(specs.map(spec => spec.name.toLowerCase()));
  const kept = {};
  for (const [name, value] of Object.entries(target)) {
    if (exact.has(name) || !folded.has(name.toLowerCase())) {
      kept[name] = value;
    }
  }
  return validateQuery(kept, specs, ...rest);
};

// 2.
const pathsFile = path.join(stoplight, 'prism-cli', 'dist', 'util', 'paths.js');
const paths = require(pathsFile);
const createExamplePath = patch(paths, 'createExamplePath', pathsFile);
paths.createExamplePath = (operation, ...rest) => {
  for (const spec of (operation.request && operation.request.query) || []) {
    if ((spec.style === undefined || spec.style === 'form') && spec.explode === undefined) {
      spec.explode = true;
    }
  }
  return createExamplePath(structuredClone(operation), ...rest);
};
