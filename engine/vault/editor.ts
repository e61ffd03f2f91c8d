import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rmdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { VaultError } from './errors.js'
import { shredFile } from './files.js'

// $EDITOR is a command line, as ansible's shlex.split reads it ("code --wait"): the shell splits it with its own
// quoting rules and the file name travels as an argument, never inside the script text.
const RUN_EDITOR = 'eval "set -- $TSPLAY_EDITOR" && exec "$@" "$0"'

/**
 * Let the user edit `content` in $EDITOR (vi when unset) and return what they saved. The plaintext lives in a
 * private temporary directory, keeps the target's extension for syntax highlighting, and is shredded afterwards.
 */
export async function editInEditor(target: string, content: Uint8Array, env: NodeJS.ProcessEnv): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-vault-'))
  const file = join(dir, `plaintext${extname(target)}`)
  try {
    await writeFile(file, content, { mode: 0o600 })
    const editor = env['EDITOR'] || 'vi'
    await new Promise<void>((done, fail) => {
      const child = spawn('sh', ['-c', RUN_EDITOR, file], { stdio: 'inherit', env: { ...env, TSPLAY_EDITOR: editor } })
      child.on('error', (error) => fail(new VaultError(`cannot run the editor '${editor}': ${error.message}`)))
      // ansible ignores the editor's exit status and keeps whatever was saved; only "could not run it" is an error
      child.on('close', (code) => (code === 126 || code === 127 ? fail(new VaultError(`cannot run the editor '${editor}' (exit ${code})`)) : done()))
    })
    return await readFile(file)
  } finally {
    await shredFile(file)
    await rmdir(dir).catch(() => undefined)
  }
}
