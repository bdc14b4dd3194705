"use strict";
/**
 * Start-up hook of the app and the npm scripts: `node --require ./dev/register.js main.ts`
 * (cdktf.json's app command). It does what `--require sucrase/register/ts` did, faster:
 *
 *   1. `.ts` files are transpiled by sucrase with the same options as sucrase/register/ts
 *      (transforms: imports, typescript; type-checking is `tsc --noEmit`'s job), once per file
 *      content: sucrase is loaded only when a file changed since the last run.
 *   2. Every CommonJS module (the project's and node_modules') is compiled with V8's code cache,
 *      so later runs deserialize bytecode (including the functions compiled lazily during the run
 *      that produced it) instead of parsing and compiling 700 modules again. On node >= 22.1,
 *      node's own module.enableCompileCache() does this instead.
 *
 * Both live in one file, node_modules/.cache/platform-start/cache-v1.bin, keyed by file path and
 * a SHA-1 of the file's content (never by mtime), so a fresh clone needs nothing but `npm ci`: the
 * first run fills the cache. It is written at exit only when something was compiled, atomically
 * (temporary file, then rename), so concurrent runs cannot corrupt it. Any problem with the cache
 * (unreadable, unwritable, V8 rejecting it after a node upgrade) only costs speed.
 *
 * PLATFORM_START_CACHE=off disables both caches (sucrase still transpiles, in memory);
 * PLATFORM_START_CACHE_DIR=<dir> puts the cache elsewhere (the tests use a temporary one).
 * Plain JavaScript on purpose: it must run before anything can transpile TypeScript.
 */
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const crypto = require("node:crypto");

const FORMAT = "platform-start-cache-v1";
const CACHE_DIR =
  process.env.PLATFORM_START_CACHE_DIR || path.join(__dirname, "..", "node_modules", ".cache", "platform-start");
const CACHE_FILE = path.join(CACHE_DIR, "cache-v1.bin");
const ENABLED = process.env.PLATFORM_START_CACHE !== "off";
/** Sucrase's options, as sucrase/register/ts sets them. Part of every .ts key. */
const SUCRASE_OPTIONS = { transforms: ["imports", "typescript"] };
/** Node's CommonJS wrapper: same parameters, same line numbers (the wrapper adds none). */
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) { ";
const WRAPPER_END = "\n});";
/** Past this many entries, those not used by the run that writes the cache are dropped. */
const MAX_ENTRIES = 4000;

const sha1 = typeof crypto.hash === "function"
  ? (text) => crypto.hash("sha1", text, "base64")
  : (text) => crypto.createHash("sha1").update(text).digest("base64");

// ---------------------------------------------------------------------------------------------
// The cache file: [u32 header length][header JSON][blobs]. Header: { format, env, entries }, each
// entry { key: [hash, offset, length] } into the blobs. Keys are "ts:<path>" (transpiled
// JavaScript) and "v8:<path>" (V8 code cache of the module's wrapper).
// ---------------------------------------------------------------------------------------------

/** What the cached bytes depend on besides the sources: node (V8's code cache format), sucrase. */
function cacheEnvironment() {
  let sucrase = "none";
  try {
    sucrase = JSON.parse(fs.readFileSync(require.resolve("sucrase/package.json"), "utf8")).version;
  } catch {
    // resolved lazily below when a .ts file needs it; a missing sucrase fails there, plainly
  }
  return `${process.version} ${process.arch} sucrase ${sucrase} ${JSON.stringify(SUCRASE_OPTIONS)}`;
}

/** key -> { hash, data: Buffer } read at start-up; replaced entries are overwritten in `fresh`. */
const stored = new Map();
/** Entries this run produced or confirmed: written back at exit if `dirty`. */
const fresh = new Map();
/** Scripts compiled without a usable code cache: their cache is produced at exit. */
const pendingScripts = [];
let dirty = false;
let environment = "";

function readCache() {
  environment = cacheEnvironment();
  let file;
  try {
    file = fs.readFileSync(CACHE_FILE);
  } catch {
    return; // first run
  }
  try {
    const headerLength = file.readUInt32LE(0);
    const header = JSON.parse(file.subarray(4, 4 + headerLength).toString("utf8"));
    if (header.format !== FORMAT || header.env !== environment) return;
    const base = 4 + headerLength;
    for (const [key, [hash, offset, length]] of Object.entries(header.entries)) {
      stored.set(key, { hash, data: file.subarray(base + offset, base + offset + length) });
    }
  } catch {
    stored.clear(); // a damaged cache is a cold start
  }
}

function lookup(key, hash) {
  const entry = stored.get(key);
  return entry !== undefined && entry.hash === hash ? entry.data : undefined;
}

function keep(key, hash, data, produced) {
  fresh.set(key, { hash, data });
  if (produced) dirty = true;
}

function writeCache() {
  for (const { key, hash, script } of pendingScripts) {
    try {
      keep(key, hash, script.createCachedData(), true);
    } catch {
      // not cacheable: compiled again next time
    }
  }
  if (!dirty) return;
  const entries = new Map(fresh);
  if (stored.size + fresh.size <= MAX_ENTRIES) {
    for (const [key, entry] of stored) if (!entries.has(key)) entries.set(key, entry);
  }
  const index = {};
  const blobs = [];
  let offset = 0;
  for (const [key, { hash, data }] of entries) {
    index[key] = [hash, offset, data.length];
    blobs.push(data);
    offset += data.length;
  }
  const header = Buffer.from(JSON.stringify({ format: FORMAT, env: environment, entries: index }), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  const temporary = `${CACHE_FILE}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    fs.writeFileSync(temporary, Buffer.concat([length, header, ...blobs]));
    fs.renameSync(temporary, CACHE_FILE);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // nothing to clean up
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 1. TypeScript
// ---------------------------------------------------------------------------------------------

let sucraseTransform;

function transpile(source, filename) {
  if (sucraseTransform === undefined) sucraseTransform = require("sucrase").transform;
  return sucraseTransform(source, { ...SUCRASE_OPTIONS, filePath: filename }).code;
}

function loadTypeScript(module, filename) {
  let source = fs.readFileSync(filename, "utf8");
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1); // a BOM, as node strips it from .js
  let code;
  if (ENABLED) {
    const key = `ts:${filename}`;
    const hash = sha1(source);
    const cached = lookup(key, hash);
    code = cached === undefined ? transpile(source, filename) : cached.toString("utf8");
    keep(key, hash, cached ?? Buffer.from(code, "utf8"), cached === undefined);
  } else {
    code = transpile(source, filename);
  }
  module._compile(code, filename);
}

// ---------------------------------------------------------------------------------------------
// 2. V8 code cache for every CommonJS module
// ---------------------------------------------------------------------------------------------

const nodeCompile = Module.prototype._compile;

/** A module's `require`, as node makes it (resolve, resolve.paths, main, extensions, cache). */
function makeRequire(module) {
  const require = function require(id) {
    return module.require(id);
  };
  const resolve = function resolve(request, options) {
    return Module._resolveFilename(request, module, false, options);
  };
  resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function compileWithCodeCache(content, filename) {
  const key = `v8:${filename}`;
  const hash = sha1(content);
  const cachedData = lookup(key, hash);
  // A #! line is a comment to node's own loader; inside the wrapper it must become one.
  const body = content.startsWith("#!") ? `//${content.slice(2)}` : content;
  const script = new vm.Script(WRAPPER_START + body + WRAPPER_END, {
    filename,
    cachedData,
    // import() inside a CommonJS module works as under node's own loader.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) pendingScripts.push({ key, hash, script });
  else keep(key, hash, cachedData, false);
  return script.runInThisContext({ displayErrors: true });
}

function compile(content, filename, format) {
  if (format === "module") return nodeCompile.call(this, content, filename, format);
  let wrapper;
  try {
    wrapper = compileWithCodeCache(content, filename);
  } catch (error) {
    // ES module syntax node can load (require(esm)), or a real syntax error: node's own loader
    // handles both and reports them as it always does.
    if (error instanceof SyntaxError) return nodeCompile.call(this, content, filename, format);
    throw error;
  }
  return wrapper.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename));
}

// ---------------------------------------------------------------------------------------------

if (ENABLED) {
  readCache();
  if (typeof Module.enableCompileCache === "function") {
    // node >= 22.1 keeps a code cache of its own: use it rather than replacing its compile step.
    Module.enableCompileCache(path.join(CACHE_DIR, "v8"));
  } else if (vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER) {
    Module.prototype._compile = compile;
  }
  process.once("exit", writeCache);
}
Module._extensions[".ts"] = loadTypeScript;
