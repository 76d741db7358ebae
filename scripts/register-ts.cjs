// Runs the TypeScript sources directly: each .ts file is transpiled on require with esbuild
// (types stripped, no type check). Type checking happens once, in `npm test` (tsc --noEmit);
// ts-node type-checks every file on every run, which is what makes cdktf synths slow.
//
// Transpiled output is cached by content hash under node_modules/.cache, so an unchanged file
// costs one small read, and esbuild (a child process) is started only when something changed.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const TRANSFORM_OPTIONS = { loader: "ts", format: "cjs", target: "node20" };
const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "register-ts");
let esbuild;

function transpile(source, filename) {
  esbuild ??= require("esbuild");
  const key = crypto
    .createHash("sha256")
    .update(`${esbuild.version}\0${JSON.stringify(TRANSFORM_OPTIONS)}\0${source}`)
    .digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const { code } = esbuild.transformSync(source, { ...TRANSFORM_OPTIONS, sourcefile: filename });
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      fs.writeFileSync(`${cached}.${process.pid}`, code);
      fs.renameSync(`${cached}.${process.pid}`, cached);
    } catch {
      // A read-only checkout still runs, only without the cache.
    }
    return code;
  }
}

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
