// Runs the real ansible-vault (and ansible's own YAML loader) beside tsplay's vault, for the interop tests.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { vaultCommand } from '../../../engine/vault/index.js'

const run = promisify(execFile)

/** What a command printed and how it exited. */
export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Run ansible-vault with `args` in `cwd`; never throws on a non-zero exit. */
export async function ansibleVault(args: string[], cwd: string, options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOME: join(cwd, '.ansible'), ANSIBLE_LOCAL_TEMP: join(cwd, '.ansible-tmp'), ...options.env }
  const child = run('ansible-vault', args, { cwd, env, encoding: 'utf8' })
  if (options.input !== undefined) child.child.stdin!.end(options.input)
  else child.child.stdin!.end()
  try {
    const { stdout, stderr } = await child
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** The Python that runs ansible, from ansible-vault's own #! line (a pyenv python may lack the ansible package). */
async function ansiblePython(): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'command -v ansible-vault'])
  return readFileSync(stdout.trim(), 'utf8').split('\n')[0]!.replace(/^#!\s*/, '').split(/\s+/)[0]!
}

const LOAD_WITH_ANSIBLE = `
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultSecret
loader = DataLoader()
loader.set_vault_secrets([(a.split('@', 1)[0], VaultSecret(a.split('@', 1)[1].encode())) for a in sys.argv[2:]])
data = loader.load_from_file(sys.argv[1])
print(json.dumps({k: str(v) for k, v in data.items()}))
`

/** Load a YAML file with ansible's own DataLoader, `!vault` values decrypted with `label@password` secrets. */
export async function loadWithAnsible(file: string, secrets: string[]): Promise<Record<string, string>> {
  const { stdout } = await run(await ansiblePython(), ['-c', LOAD_WITH_ANSIBLE, file, ...secrets], { encoding: 'utf8' })
  return JSON.parse(stdout) as Record<string, string>
}

/** Run tsplay's vault command in-process with captured streams, a scripted prompt and a given stdin. */
export async function tsplayVault(
  argv: string[],
  cwd: string,
  options: { input?: string | Buffer; answers?: string[]; env?: NodeJS.ProcessEnv; tty?: boolean } = {},
): Promise<Ran & { prompts: string[] }> {
  let stdout = ''
  let stderr = ''
  const prompts: string[] = []
  const answers = [...(options.answers ?? [])]
  const code = await vaultCommand(argv, {
    out: (s) => void (stdout += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')),
    err: (s) => void (stderr += s),
    readStdin: async () => Buffer.from(options.input ?? ''),
    prompt: async (message) => {
      prompts.push(message)
      return answers.shift()
    },
    env: { PATH: process.env['PATH'], ...options.env },
    stdoutIsTTY: options.tty ?? false,
    stdinIsTTY: options.tty ?? false,
    cwd,
  })
  return { code, stdout, stderr, prompts }
}

/** A fresh directory with password files pw1 (secret-one) and pw2 (secret-two); removed by the returned function. */
export function workspace(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-test-'))
  writeFileSync(join(dir, 'pw1'), 'secret-one\n')
  writeFileSync(join(dir, 'pw2'), '  secret-two  \n\n')
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
