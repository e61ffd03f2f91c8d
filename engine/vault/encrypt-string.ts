import type { VaultArgs } from './args.js'
import { VaultUsageError } from './errors.js'
import { writeOutput, type VaultFileIO } from './files.js'
import type { VaultSecret } from './secrets.js'
import { encryptVaultText } from './vault-text.js'

/** What `encrypt_string` needs beyond files: the prompt, stderr, and whether stdout is a terminal. */
export interface EncryptStringIO extends VaultFileIO {
  readonly err: (text: string) => void
  readonly prompt: (message: string, hidden: boolean) => Promise<string | undefined>
  readonly stdoutIsTTY: boolean
}

/** A YAML block for vault text, `name: !vault |` then the text indented by 10 spaces, as ansible-vault prints it. */
export function formatVaultYaml(vaultText: string, name?: string): string {
  const head = `${name ? `${name}: ` : ''}!vault |`
  return [head, ...vaultText.split('\n').filter((line) => line !== '').map((line) => `${' '.repeat(10)}${line}`)].join('\n')
}

interface Plaintext {
  readonly text: string
  readonly from: string
  readonly name: string | undefined
}

/** `tsplay vault encrypt_string`: the prompt, stdin and argument strings, each as a `!vault |` block, in that order. */
export async function encryptStrings(args: VaultArgs, secret: VaultSecret, io: EncryptStringIO): Promise<void> {
  const inputs: Plaintext[] = []
  if (args.prompt) {
    const name = await io.prompt('Variable name (enter for no name): ', false)
    const text = await io.prompt(args.showInput ? 'String to encrypt:' : 'String to encrypt (hidden): ', !args.showInput)
    if (!text) throw new VaultUsageError('the plaintext provided from the prompt was empty, not encrypting')
    inputs.push({ text, from: 'the interactive prompt', name: name || undefined })
  }
  if (args.args.includes('-') || args.args.length === 0 || args.stdinName !== undefined) {
    if (io.stdoutIsTTY) io.err('Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n')
    const text = (await io.readStdin()).toString('utf8')
    if (text === '') throw new VaultUsageError('stdin was empty, not encrypting')
    if (io.stdoutIsTTY && !text.endsWith('\n')) io.out('\n')
    inputs.push({ text, from: 'stdin', name: args.stdinName })
  }
  const strings = args.args.filter((a) => a !== '-')
  if (args.names.length > 0 && strings.length > args.names.length) {
    // vague on purpose, as ansible is: naming the unnamed strings would print plaintext
    io.err('The number of --name options do not match the number of args.\n')
    io.err(`The last named variable will be "${args.names.at(-1)}". The rest will not have names.\n`)
  }
  for (const [i, text] of strings.entries()) {
    if (text === '') throw new VaultUsageError('the plaintext provided from the command line args was empty, not encrypting')
    inputs.push({ text, from: 'the command line args', name: args.names[i] })
  }
  const blocks = inputs.map((input, i) => {
    if (inputs.length > 1) {
      const what = input.name ? `variable ("${input.name}", the string #${i + 1} from ${input.from}).` : `the string #${i + 1} from ${input.from}.)`
      io.err(`# The encrypted version of ${what}\n`)
    }
    return formatVaultYaml(encryptVaultText(input.text, secret), input.name)
  })
  await writeOutput(args.output ?? '-', blocks.join('\n'), io, { shred: true })
  if (io.stdoutIsTTY) io.err('Encryption successful\n')
}
