import { mkdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { TsplayError } from '../errors.js'
import { parseVaultArgs, VAULT_HELP, VAULT_USAGE, type VaultArgs } from './args.js'
import { editInEditor } from './editor.js'
import { encryptStrings, type EncryptStringIO } from './encrypt-string.js'
import { VaultError, VaultUsageError } from './errors.js'
import { readInput, realInputPath, writeOutput } from './files.js'
import type { VaultSecret, VaultSecrets } from './secrets.js'
import { loadVaultSecrets, type VaultSecretOptions } from './sources.js'
import { decryptVault, encryptVaultText } from './vault-text.js'

/** The outside world of `tsplay vault`: streams, the prompt, the environment ($EDITOR, ANSIBLE_VAULT_*) and the cwd. */
export interface VaultCommandIO extends EncryptStringIO {
  readonly env: NodeJS.ProcessEnv
  readonly stdinIsTTY: boolean
  readonly cwd?: string
}

const READS = new Set(['decrypt', 'view', 'rekey', 'edit'])

/** Run `tsplay vault ACTION ...` as ansible-vault runs it; returns its exit code (0, 1; 2 and 5 for usage errors). */
export async function vaultCommand(argv: readonly string[], io: VaultCommandIO): Promise<number> {
  try {
    const args = parseVaultArgs(argv)
    if (args.help) {
      io.out(VAULT_HELP)
      return 0
    }
    await run(args, io)
    return 0
  } catch (error) {
    if (!(error instanceof TsplayError)) throw error
    io.err(`tsplay vault: ${error.message}\n`)
    if (error instanceof VaultUsageError) {
      io.err(`${VAULT_USAGE}\n`)
      return error.exitCode
    }
    return 1
  }
}

async function run(args: VaultArgs, io: VaultCommandIO): Promise<void> {
  const cwd = io.cwd ?? process.cwd()
  const files = args.args.map((f) => (f === '-' ? f : resolve(cwd, f)))
  const output = args.output === undefined || args.output === '-' ? args.output : resolve(cwd, args.output)
  const identityList = (io.env['ANSIBLE_VAULT_IDENTITY_LIST'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const base: VaultSecretOptions = {
    vaultIds: args.vaultIds,
    vaultPasswordFiles: args.vaultPasswordFiles.map((f) => resolve(cwd, f)),
    askVaultPass: args.askVaultPass,
    autoPrompt: true,
    identityList,
    defaultPasswordFile: io.env['ANSIBLE_VAULT_PASSWORD_FILE'] || undefined,
  }
  const sourceIO = { prompt: io.prompt, warn: (m: string) => io.err(`[WARNING]: ${m}\n`), cwd, env: io.env }
  const encryptVaultId = args.encryptVaultId || io.env['ANSIBLE_VAULT_ENCRYPT_IDENTITY'] || undefined
  if (READS.has(args.action)) {
    const secrets = await required(loadVaultSecrets(base, sourceIO), "a vault password is required to use ansible's vault")
    if (args.action === 'decrypt') return decrypt(files, output, secrets, io)
    if (args.action === 'view') return view(files, secrets, io)
    if (args.action === 'edit') return edit(files, secrets, io)
    const fresh: VaultSecretOptions = {
      vaultIds: [...(encryptVaultId ? identityList : []), ...(args.newVaultId ? [args.newVaultId] : [])],
      vaultPasswordFiles: args.newVaultPasswordFile ? [resolve(cwd, args.newVaultPasswordFile)] : [],
      askVaultPass: args.askVaultPass,
      autoPrompt: true,
      newPassword: true,
      defaultPasswordFile: base.defaultPasswordFile,
    }
    const newSecrets = await required(loadVaultSecrets(fresh, sourceIO), 'a new vault password is required to rekey')
    return rekey(files, secrets, newSecrets.forEncrypt(encryptVaultId ?? newSecrets.ids[0]), io)
  }
  const secrets = await required(loadVaultSecrets({ ...base, newPassword: true }, sourceIO), "a vault password is required to use ansible's vault")
  if (secrets.secrets.length > 1 && !encryptVaultId) {
    throw new VaultUsageError(`the vault ids ${secrets.ids.join(', ')} are available to encrypt: choose one with --encrypt-vault-id`)
  }
  const secret = secrets.forEncrypt(encryptVaultId)
  if (args.action === 'encrypt_string') return encryptStrings({ ...args, output }, secret, io)
  if (args.action === 'create') return create(files[0]!, secret, io)
  return encrypt(files, output, secret, io)
}

async function required(loading: Promise<VaultSecrets>, message: string): Promise<VaultSecrets> {
  const secrets = await loading
  if (secrets.secrets.length === 0) throw new VaultUsageError(message)
  return secrets
}

async function encrypt(files: string[], output: string | undefined, secret: VaultSecret, io: VaultCommandIO): Promise<void> {
  if (files.length === 0 && io.stdinIsTTY) io.err('Reading plaintext input from stdin\n')
  for (const file of files.length > 0 ? files : ['-']) {
    const path = await realInputPath(file)
    const plaintext = await readInput(path, io)
    await writeOutput(output ?? path, located(path, () => encryptVaultText(plaintext, secret)), io, { shred: true })
  }
  if (io.stdoutIsTTY) io.err('Encryption successful\n')
}

async function decrypt(files: string[], output: string | undefined, secrets: VaultSecrets, io: VaultCommandIO): Promise<void> {
  if (files.length === 0 && io.stdinIsTTY) io.err('Reading ciphertext input from stdin\n')
  for (const file of files.length > 0 ? files : ['-']) {
    const path = await realInputPath(file)
    const { plaintext } = decryptVault(await readInput(path, io), secrets, sourceName(path))
    await writeOutput(output ?? path, plaintext, io)
  }
  if (io.stdoutIsTTY) io.err('Decryption successful\n')
}

async function view(files: string[], secrets: VaultSecrets, io: VaultCommandIO): Promise<void> {
  for (const file of files) {
    const path = await realInputPath(file)
    const text = decryptVault(await readInput(path, io), secrets, sourceName(path)).plaintext.toString('utf8')
    io.out(text.endsWith('\n') ? text : `${text}\n`)
  }
}

async function rekey(files: string[], secrets: VaultSecrets, secret: VaultSecret, io: VaultCommandIO): Promise<void> {
  for (const file of files) {
    const path = await realInputPath(file)
    const { plaintext } = decryptVault(await readInput(path, io), secrets, sourceName(path))
    await writeOutput(path, encryptVaultText(plaintext, secret), io, { preserveMode: true, shred: true })
  }
  io.err('Rekey successful\n')
}

async function create(file: string, secret: VaultSecret, io: VaultCommandIO): Promise<void> {
  const dir = dirname(file)
  if ((await stat(dir).catch(() => undefined)) === undefined) {
    io.err(`[WARNING]: ${dir} does not exist, creating...\n`)
    await mkdir(dir, { recursive: true, mode: 0o700 })
  }
  if ((await stat(file).catch(() => undefined))?.isFile()) throw new VaultError(`${file} exists, please use 'edit' instead`)
  const edited = await editInEditor(file, Buffer.alloc(0), io.env)
  await writeOutput(file, encryptVaultText(edited, secret), io)
}

async function edit(files: string[], secrets: VaultSecrets, io: VaultCommandIO): Promise<void> {
  for (const file of files) {
    const path = await realInputPath(file)
    const opened = decryptVault(await readInput(path, io), secrets, sourceName(path))
    const edited = await editInEditor(path, opened.plaintext, io.env)
    // the header's label is kept even when another id's secret opened it, as ansible does
    if (!edited.equals(opened.plaintext)) {
      await writeOutput(path, encryptVaultText(edited, opened.secret, opened.label ?? 'default'), io, { preserveMode: true })
    }
  }
}

function sourceName(path: string): string | undefined {
  return path === '-' ? undefined : path
}

function located<T>(path: string, work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof VaultError && error.location === undefined && path !== '-') throw new VaultError(`${path}: ${error.message}`)
    throw error
  }
}
