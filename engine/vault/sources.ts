import { spawn } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { basename, extname, resolve } from 'node:path'
import { isVaultText } from './envelope.js'
import { VaultError, VaultSecretError } from './errors.js'
import { DEFAULT_VAULT_ID, VaultSecret, VaultSecrets } from './secrets.js'
import { decryptVault } from './vault-text.js'

/** The vault options of ansible's command lines, plus the two ansible.cfg/environment defaults that feed them. */
export interface VaultSecretOptions {
  /** `--vault-id` values: `label@source` or `source`, where source is a file, a script or `prompt`. */
  readonly vaultIds?: readonly string[]
  /** `--vault-password-file` values; each becomes the id 'default'. */
  readonly vaultPasswordFiles?: readonly string[]
  /** `--ask-vault-pass`: prompt for the 'default' password. */
  readonly askVaultPass?: boolean
  /** Prompt when nothing else was given, as ansible-vault does (ansible-playbook does not). */
  readonly autoPrompt?: boolean
  /** Asking for a password to encrypt with: prompts ask twice and the answers must match. */
  readonly newPassword?: boolean
  /** ANSIBLE_VAULT_IDENTITY_LIST: ids placed before the command line's. */
  readonly identityList?: readonly string[]
  /** ANSIBLE_VAULT_PASSWORD_FILE: a password file placed after the command line's. */
  readonly defaultPasswordFile?: string | undefined
}

/** How sources reach the outside: a prompt (hidden input), warnings, and where relative paths and scripts start. */
export interface VaultSecretIO {
  /** Ask the user; resolves undefined at end of input (ctrl-d). */
  readonly prompt?: (message: string, hidden: boolean) => Promise<string | undefined>
  readonly warn?: (message: string) => void
  readonly cwd?: string | undefined
  readonly env?: NodeJS.ProcessEnv
}

const PROMPT_SOURCES = new Set(['prompt', 'prompt_ask_vault_pass'])

/**
 * The secrets ansible builds from the same options, in its order: identity list, `--vault-id`s, password files,
 * then a prompt. A source that fails is a warning while another one works, and the error when none does.
 */
export async function loadVaultSecrets(options: VaultSecretOptions, io: VaultSecretIO = {}): Promise<VaultSecrets> {
  const slugs = [...(options.identityList ?? []), ...(options.vaultIds ?? [])]
  for (const file of [...(options.vaultPasswordFiles ?? []), ...(options.defaultPasswordFile ? [options.defaultPasswordFile] : [])]) {
    slugs.push(`${DEFAULT_VAULT_ID}@${file}`)
  }
  if (options.askVaultPass || (slugs.length === 0 && options.autoPrompt)) slugs.push(`${DEFAULT_VAULT_ID}@prompt_ask_vault_pass`)
  let secrets = new VaultSecrets()
  let lastError: VaultError | undefined
  for (const slug of slugs) {
    const at = slug.indexOf('@')
    const label = at < 0 ? undefined : slug.slice(0, at)
    const source = at < 0 ? slug : slug.slice(at + 1)
    const vaultId = label || DEFAULT_VAULT_ID
    if (PROMPT_SOURCES.has(source)) {
      secrets = secrets.with(await promptSecret(vaultId, source === 'prompt', options.newPassword ?? false, io))
      continue
    }
    try {
      secrets = secrets.with(await fileSecret(resolve(io.cwd ?? '.', source), label, vaultId, secrets, io))
    } catch (error) {
      if (!(error instanceof VaultError)) throw error
      io.warn?.(`cannot read the vault password for vault id '${vaultId}': ${error.message}`)
      lastError = error
    }
  }
  if (lastError !== undefined && secrets.secrets.length === 0) throw lastError
  return secrets
}

async function promptSecret(vaultId: string, named: boolean, confirm: boolean, io: VaultSecretIO): Promise<VaultSecret> {
  if (io.prompt === undefined) throw new VaultSecretError(`cannot prompt for the vault password of vault id '${vaultId}' here`)
  const messages = confirm
    ? named ? [`New vault password (${vaultId}): `, `Confirm new vault password (${vaultId}): `] : ['New Vault password: ', 'Confirm New Vault password: ']
    : [named ? `Vault password (${vaultId}): ` : 'Vault password: ']
  const answers: string[] = []
  for (const message of messages) {
    const answer = await io.prompt(message, true)
    if (answer === undefined) throw new VaultSecretError(`end of input at the vault password prompt for vault id '${vaultId}'`)
    const password = answer.trim()
    if (password === '') throw new VaultSecretError(`empty vault password given at the prompt for vault id '${vaultId}'`)
    answers.push(password)
  }
  if (answers.some((a) => a !== answers[0])) throw new VaultSecretError(`the vault passwords for vault id '${vaultId}' do not match`)
  return new VaultSecret(vaultId, answers[0]!, 'prompt')
}

async function fileSecret(path: string, label: string | undefined, vaultId: string, known: VaultSecrets, io: VaultSecretIO): Promise<VaultSecret> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) throw new VaultSecretError(`vault password file ${path} was not found`)
  // ansible runs any file with an execute bit, and passes --vault-id to one named *-client (extension aside)
  if ((info.mode & 0o111) !== 0 && info.isFile()) {
    const client = basename(path, extname(path)).endsWith('-client')
    const args = client && label ? ['--vault-id', label] : []
    const password = stripBytes(await runScript(path, args, client, io), '\r\n')
    if (password.length === 0) throw new VaultSecretError(`vault password script ${path} printed an empty password`)
    return new VaultSecret(vaultId, password, `${client ? 'client script' : 'script'} ${path}`)
  }
  let content: Buffer
  try {
    content = stripBytes(await readFile(path), ' \t\n\r\v\f')
  } catch (error) {
    throw new VaultSecretError(`cannot read vault password file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  // a password file may itself be vaulted with a password given before it, as ansible allows
  if (isVaultText(content)) content = decryptVault(content, known, path).plaintext
  const password = stripBytes(content, '\r\n')
  if (password.length === 0) throw new VaultSecretError(`vault password file ${path} is empty`)
  return new VaultSecret(vaultId, password, `file ${path}`)
}

function runScript(path: string, args: string[], client: boolean, io: VaultSecretIO): Promise<Buffer> {
  return new Promise((done, fail) => {
    // a plain script's stderr stays the user's terminal so it can prompt, as with ansible; a client's is captured
    const child = spawn(path, args, { cwd: io.cwd, env: io.env, stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'] })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout?.on('data', (b: Buffer) => stdout.push(b))
    child.stderr?.on('data', (b: Buffer) => stderr.push(b))
    child.on('error', (error: NodeJS.ErrnoException) => {
      fail(new VaultSecretError(`cannot run vault password script ${path}: ${error.code ?? error.message} (if it is not a script, remove its execute bit)`))
    })
    child.on('close', (code, signal) => {
      if (code === 0) return done(Buffer.concat(stdout))
      const said = Buffer.concat(stderr).toString('utf8').trim()
      const why = said ? `: ${said}` : ''
      if (client && code === 2) return fail(new VaultSecretError(`vault password client script ${path} has no secret for vault id '${args[1] ?? DEFAULT_VAULT_ID}'${why}`))
      fail(new VaultSecretError(`vault password script ${path} ${signal ? `was killed by ${signal}` : `exited with ${code}`}${why}`))
    })
  })
}

function stripBytes(bytes: Buffer, chars: string): Buffer {
  const strip = new Set([...chars].map((c) => c.charCodeAt(0)))
  let start = 0
  let end = bytes.length
  while (start < end && strip.has(bytes[start]!)) start++
  while (end > start && strip.has(bytes[end - 1]!)) end--
  return bytes.subarray(start, end)
}
