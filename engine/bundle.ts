// Build step (after tsc): bundle the compiled CLI and its dependencies into dist/tsplay.mjs, the file bin/tsplay.js
// runs. Resolving ~250 separate ES modules costs a run about 60 ms of start-up; one file halves the import time.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('..', import.meta.url))

await build({
  entryPoints: [`${dist}/engine/cli.js`],
  outfile: `${dist}/tsplay.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ssh2's optional native crypto binding cannot be inlined; without it ssh2 uses Node's own crypto.
  external: ['*.node'],
  // CommonJS dependencies (ssh2, nunjucks) call require(); an ES module has none unless it makes one.
  banner: { js: "import { createRequire as tsplayCreateRequire } from 'node:module'; const require = tsplayCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})
