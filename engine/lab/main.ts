// Stand-alone entry until engine/cli.ts dispatches `tsplay lab …`: node dist/engine/lab/main.js up 3
import { runLab } from './index.js'

process.exitCode = await runLab(process.argv.slice(2))
