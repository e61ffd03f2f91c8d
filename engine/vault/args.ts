import { VaultUsageError } from './errors.js'

/** The sub-commands of ansible-vault, which `tsplay vault` mirrors. */
export const VAULT_ACTIONS = ['create', 'decrypt', 'edit', 'view', 'encrypt', 'encrypt_string', 'rekey'] as const

/** One of `VAULT_ACTIONS`. */
export type VaultAction = (typeof VAULT_ACTIONS)[number]

/** A parsed `tsplay vault` command line, with ansible-vault's option names and defaults. */
export interface VaultArgs {
  readonly action: VaultAction
  readonly args: string[]
  readonly help: boolean
  readonly vaultIds: string[]
  readonly vaultPasswordFiles: string[]
  readonly askVaultPass: boolean
  readonly encryptVaultId: string | undefined
  readonly output: string | undefined
  readonly newVaultId: string | undefined
  readonly newVaultPasswordFile: string | undefined
  readonly prompt: boolean
  readonly showInput: boolean
  readonly names: string[]
  readonly stdinName: string | undefined
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type Key = keyof Omit<VaultArgs, 'action' | 'args'>

interface OptionSpec {
  readonly key: Key
  readonly value: 'flag' | 'one' | 'append'
  /** The actions that accept it; undefined means all of them (ansible's common vault options). */
  readonly actions?: readonly VaultAction[]
  /** An option of the same mutually exclusive group. */
  readonly excludes?: Key
}

const OUTPUT: VaultAction[] = ['decrypt', 'encrypt', 'encrypt_string']
const ENCRYPT_ID: VaultAction[] = ['create', 'edit', 'encrypt', 'encrypt_string', 'rekey']

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  '-h': { key: 'help', value: 'flag' },
  '--help': { key: 'help', value: 'flag' },
  '--vault-id': { key: 'vaultIds', value: 'append' },
  '--ask-vault-pass': { key: 'askVaultPass', value: 'flag', excludes: 'vaultPasswordFiles' },
  '--ask-vault-password': { key: 'askVaultPass', value: 'flag', excludes: 'vaultPasswordFiles' },
  '--vault-password-file': { key: 'vaultPasswordFiles', value: 'append', excludes: 'askVaultPass' },
  '--vault-pass-file': { key: 'vaultPasswordFiles', value: 'append', excludes: 'askVaultPass' },
  '--output': { key: 'output', value: 'one', actions: OUTPUT },
  '--encrypt-vault-id': { key: 'encryptVaultId', value: 'one', actions: ENCRYPT_ID },
  '--new-vault-id': { key: 'newVaultId', value: 'one', actions: ['rekey'], excludes: 'newVaultPasswordFile' },
  '--new-vault-password-file': { key: 'newVaultPasswordFile', value: 'one', actions: ['rekey'], excludes: 'newVaultId' },
  '-p': { key: 'prompt', value: 'flag', actions: ['encrypt_string'] },
  '--prompt': { key: 'prompt', value: 'flag', actions: ['encrypt_string'] },
  '--show-input': { key: 'showInput', value: 'flag', actions: ['encrypt_string'] },
  '-n': { key: 'names', value: 'append', actions: ['encrypt_string'] },
  '--name': { key: 'names', value: 'append', actions: ['encrypt_string'] },
  '--stdin-name': { key: 'stdinName', value: 'one', actions: ['encrypt_string'] },
}

/** The one-line usage shown with a usage error. */
export const VAULT_USAGE = `usage: tsplay vault {${VAULT_ACTIONS.join(',')}} [options] [file_name ...]`

/** `tsplay vault --help`: the actions and options, which are ansible-vault's. */
export const VAULT_HELP = `${VAULT_USAGE}

encryption/decryption utility for Ansible data files, compatible with ansible-vault

actions:
  create FILE            create a new vault file in $EDITOR
  decrypt [FILE...]      decrypt in place (or to --output; - is stdin/stdout)
  edit FILE...           edit vault files in $EDITOR
  view FILE...           print the plaintext
  encrypt [FILE...]      encrypt in place (or to --output; - is stdin/stdout)
  encrypt_string [STR...]  print each string as a YAML '!vault |' value (stdin when none or -)
  rekey FILE...          encrypt again with a new password

options:
  --vault-id [LABEL@]SOURCE     a vault password from a file, a script or 'prompt' (repeatable)
  --vault-password-file FILE    a password file or script, vault id 'default' (repeatable)
  --ask-vault-pass              prompt for the vault password
  --encrypt-vault-id ID         the vault id to encrypt with when several are given
  --output FILE                 (encrypt, decrypt, encrypt_string) write here; - for stdout
  --new-vault-id [LABEL@]SOURCE, --new-vault-password-file FILE   (rekey) the new password
  -n, --name NAME, --stdin-name NAME, -p/--prompt, --show-input  (encrypt_string)
`

/**
 * Parse argv after `vault` as ansible-vault's argparse does: options anywhere after the action, `--opt=value` or
 * `--opt value`, `-nNAME`, `-v` accepted and ignored, `--` ending options. Faults argparse reports exit 2; the checks
 * ansible-vault makes afterwards exit 5.
 */
export function parseVaultArgs(argv: readonly string[]): VaultArgs {
  let start = 0
  while (/^(-v+|--verbose)$/.test(argv[start] ?? '')) start++
  const rest = argv.slice(start)
  const action = rest[0]
  if (action === '-h' || action === '--help') return { ...empty('view'), help: true }
  if (action === undefined) throw new VaultUsageError(`missing action (choose from ${VAULT_ACTIONS.join(', ')})`, 2)
  if (!(VAULT_ACTIONS as readonly string[]).includes(action)) {
    throw new VaultUsageError(`invalid action '${action}' (choose from ${VAULT_ACTIONS.join(', ')})`, 2)
  }
  const parsed: Mutable<VaultArgs> = empty(action as VaultAction)
  const seen = new Set<Key>()
  for (let i = 1; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === '--') {
      parsed.args.push(...rest.slice(i + 1))
      break
    }
    if (arg === '-' || !arg.startsWith('-')) {
      parsed.args.push(arg)
      continue
    }
    if (/^-v+$/.test(arg) || arg === '--verbose') continue
    const [name, inline] = splitOption(arg)
    const spec = OPTIONS[name]
    if (spec === undefined || (spec.actions !== undefined && !spec.actions.includes(parsed.action))) {
      throw new VaultUsageError(`unrecognized argument '${arg}' for '${parsed.action}'`, 2)
    }
    if (spec.excludes !== undefined && seen.has(spec.excludes)) throw new VaultUsageError(`${name} cannot be combined with ${optionName(spec.excludes)}`, 2)
    seen.add(spec.key)
    if (spec.value === 'flag') {
      if (inline !== undefined) throw new VaultUsageError(`${name} takes no value`, 2)
      ;(parsed as unknown as Record<Key, boolean>)[spec.key] = true
      continue
    }
    let value = inline
    if (value === undefined) {
      const next = rest[i + 1]
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new VaultUsageError(`${name} expects a value`, 2)
      value = next
      i++
    }
    if (spec.value === 'append') (parsed[spec.key] as string[]).push(value)
    else (parsed as unknown as Record<Key, string>)[spec.key] = value
  }
  check(parsed)
  return parsed
}

function splitOption(arg: string): [string, string | undefined] {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=')
    return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)]
  }
  // short options with a value may be glued to it, as argparse allows: -nNAME
  return arg.length > 2 && OPTIONS[arg.slice(0, 2)]?.value !== 'flag' ? [arg.slice(0, 2), arg.slice(2)] : [arg, undefined]
}

function check(parsed: VaultArgs): void {
  for (const id of parsed.vaultIds) {
    if (id.includes(';')) throw new VaultUsageError(`'${id}' is not a valid vault id: the character ';' is not allowed in vault ids`)
  }
  if (parsed.output !== undefined && parsed.args.length > 1) throw new VaultUsageError('at most one input file may be used with the --output option')
  const readsStdin = parsed.args.includes('-') || parsed.args.length === 0 || parsed.stdinName !== undefined
  if (parsed.action === 'encrypt_string' && parsed.prompt && readsStdin) {
    throw new VaultUsageError('the --prompt option is not supported if also reading input from stdin')
  }
  if (parsed.action === 'create' && parsed.args.length !== 1) throw new VaultUsageError('create takes exactly one file name')
}

function optionName(key: Key): string {
  return Object.entries(OPTIONS).find(([name, spec]) => spec.key === key && name.startsWith('--'))![0]
}

function empty(action: VaultAction): Mutable<VaultArgs> {
  return {
    action, args: [], help: false, vaultIds: [], vaultPasswordFiles: [], askVaultPass: false, encryptVaultId: undefined,
    output: undefined, newVaultId: undefined, newVaultPasswordFile: undefined, prompt: false, showInput: false, names: [], stdinName: undefined,
  }
}
