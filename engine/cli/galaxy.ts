// `tsplay galaxy ...`: installing roles and collections is ansible-galaxy's job (Galaxy's API, signatures, version
// resolution); tsplay hands the command line to it and finds what it installed where ansible-playbook would.
import { spawn } from 'node:child_process'
import { TsplayError } from '../errors.js'

/** Runs `ansible-galaxy ARGS` with the terminal's streams; resolves its exit code, refuses clearly when it is missing. */
export function galaxyCommand(args: readonly string[], program = 'ansible-galaxy'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], { stdio: 'inherit' })
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new TsplayError(`galaxy: ${program} not found on PATH; tsplay installs roles and collections with ansible-galaxy (apt-get install ansible-core, or pip install ansible-core)`))
      else reject(new TsplayError(`galaxy: cannot run ${program}: ${error.message}`))
    })
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}
