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
  // CommonJS dependencies (ssh2, nunjucks) use require() and __dirname; an ES module has them only if it makes them.
  banner: {
    js: [
      "import { createRequire as tsplayCreateRequire } from 'node:module';",
      "import { dirname as tsplayDirname } from 'node:path';",
      "import { fileURLToPath as tsplayFileURLToPath } from 'node:url';",
      'const require = tsplayCreateRequire(import.meta.url);',
      'const __filename = tsplayFileURLToPath(import.meta.url);',
      'const __dirname = tsplayDirname(__filename);',
    ].join(' '),
  },
  logLevel: 'warning',
})
