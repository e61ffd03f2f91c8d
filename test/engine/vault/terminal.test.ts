import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encryptVaultText, VaultSecret } from '../../../engine/vault/index.js'
import { typeKeys } from '../../../engine/vault/terminal.js'
import { workspace } from './ansible.js'

let dir = ''
let remove = (): void => undefined
beforeEach(() => ({ dir, remove } = workspace()))
afterEach(() => remove())

// Types into a pseudo-terminal once the prompt shows, then prints everything the terminal showed.
const DRIVE_PTY = `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
seen = b''
def pump(until, seconds):
    global seen
    end = time.time() + seconds
    while time.time() < end and until not in seen:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return
        if not chunk:
            return
        seen += chunk
pump(b'password: ', 20)
os.write(fd, os.environ['KEYS'].encode())
pump(b'never', 20)
_, status = os.waitpid(pid, 0)
sys.stdout.write(repr(seen.decode()) + ' ' + str(os.waitstatus_to_exitcode(status)))
`

describe('terminal prompts', () => {
  it('types a hidden line: enter ends, backspace erases, ctrl-d on an empty line is end of input', () => {
    expect(typeKeys({ text: '' }, 'abc')).toEqual({ text: 'abc' })
    expect(typeKeys({ text: 'abc' }, 'x\u007f\r')).toEqual({ text: 'abc', end: 'enter' })
    expect(typeKeys({ text: '' }, '\u0004')).toEqual({ text: '', end: 'eof' })
    expect(typeKeys({ text: 'a' }, '\u0004b\n')).toEqual({ text: 'ab', end: 'enter' })
    expect(typeKeys({ text: 'secret' }, '\u0003')).toEqual({ text: '', end: 'interrupt' })
  })

  it('asks for the vault password on the terminal without echoing it', { timeout: 60_000 }, async () => {
    const entry = join(dir, 'entry.ts')
    const vault = fileURLToPath(new URL('../../../engine/vault/index.ts', import.meta.url))
    writeFileSync(entry, `import { terminalVaultIO, vaultCommand } from ${JSON.stringify(vault)}\nprocess.exitCode = await vaultCommand(process.argv.slice(2), terminalVaultIO())\n`)
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'vault.mjs'), logLevel: 'silent' })
    writeFileSync(join(dir, 'locked.yml'), encryptVaultText('shown: yes\n', new VaultSecret('default', 'hunter2')))
    const drive = (keys: string): Promise<string> =>
      promisify(execFile)('python3', ['-c', DRIVE_PTY, process.execPath, join(dir, 'vault.mjs'), 'view', '--ask-vault-pass', join(dir, 'locked.yml')], {
        env: { ...process.env, KEYS: keys },
        encoding: 'utf8',
      }).then((r) => r.stdout)
    expect(await drive('hunter2x\u007f\r')).toBe(`${JSON.stringify('Vault password: \r\nshown: yes\r\n').replace(/"/g, "'")} 0`)
    const wrong = await drive('nope\r')
    expect(wrong).toMatch(/^'Vault password: \\r\\ntsplay vault: .*locked\.yml:1:1: cannot decrypt vault: tried vault ids default .*' 1$/)
    expect(wrong).not.toContain('nope')
  })
})
