// Build step (after tsc): bundle the compiled CLI and its dependencies into dist/tsplay.cjs, the file bin/tsplay.js
// runs. Resolving ~250 separate ES modules costs a run about 60 ms of start-up; one file halves the import time.
// The bundle is CommonJS because bin/tsplay.js compiles it as a vm.Script with V8's code cache (see there), which
// ES modules cannot use on Node 20.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../..', import.meta.url))

// the ES module bundle of earlier builds; bin/tsplay.js no longer looks at it
rmSync(`${dist}/tsplay.mjs`, { force: true })

await build({
  entryPoints: [`${dist}/engine/cli/main.js`],
  outfile: `${dist}/tsplay.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ssh2's optional native crypto binding cannot be inlined; without it ssh2 uses Node's own crypto.
  external: ['*.node'],
  // The code finds files next to itself through import.meta.url, which CommonJS lacks: the bundle's own URL.
  define: { 'import.meta.url': 'tsplayBundleUrl' },
  banner: { js: "const tsplayBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
})
