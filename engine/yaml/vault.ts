// Vault-encrypted YAML as ansible's DataLoader reads it: a whole file in `$ANSIBLE_VAULT` format is decrypted before
// it is parsed, and each `!vault` value of a parsed file is replaced by its plaintext, with the run's vault secrets.
import { type Document, type LineCounter, type Scalar, visit } from 'yaml'
import { PlaybookError, type SourceLocation } from '../errors.js'
import { decryptVaultNode, decryptVaultText, isVaultNode, isVaultText, VaultError, type VaultSecrets } from '../vault/index.js'

// The run's secrets, given once by the command line before anything is loaded (ansible's
// DataLoader.set_vault_secrets); none until then.
let secrets: VaultSecrets | undefined

/** Decrypt vaulted files and `!vault` values with these secrets from now on (undefined: no secrets given). */
export function useVaultSecrets(given: VaultSecrets | undefined): void {
  secrets = given
}

const NO_SECRETS = 'found vault-encrypted data but no vault secrets were given (use --vault-password-file, --ask-vault-pass or --vault-id)'

/** The plaintext of a file's text when it is a vault, else the text as it is. */
export function decryptedFile(text: string, file: string): string {
  if (!isVaultText(text)) return text
  if (secrets === undefined) throw new PlaybookError(NO_SECRETS, { file, line: 1, col: 1 })
  return asPlaybookError(() => decryptVaultText(text, secrets!, file), { file, line: 1, col: 1 })
}

/** Replace every `!vault` scalar of a parsed document by its plaintext; a fault names the value's line and column. */
export function decryptVaultValues(doc: Document.Parsed, text: string, lines: LineCounter, file: string): void {
  visit(doc, {
    Scalar(_, node) {
      if (!isVaultNode(node)) return
      const at: SourceLocation = { file, ...lines.linePos(node.range?.[0] ?? 0) }
      if (secrets === undefined) throw new PlaybookError(NO_SECRETS, at)
      const plain = asPlaybookError(() => decryptVaultNode(node as Scalar<string>, text, lines, file, secrets!), at)
      node.value = plain
      delete node.tag
    },
  })
}

function asPlaybookError<T>(fn: () => T, at: SourceLocation): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof VaultError) throw new PlaybookError(error.detail, error.location ?? at)
    throw error
  }
}
