import type { SourceLocation } from '../errors.js'
import { decryptPayload, encryptPayload } from './cipher.js'
import { formatVaultEnvelope, isVaultText, parseVaultEnvelope, type VaultTextOrigin } from './envelope.js'
import { VaultDecryptError, VaultFormatError } from './errors.js'
import { DEFAULT_VAULT_ID, type VaultSecret, type VaultSecrets } from './secrets.js'

/** Where vault text came from: a file name (the text starts at its line 1) or the exact place it starts. */
export type VaultSource = string | VaultTextOrigin

/** What opened a vault: its plaintext bytes, the secret that worked, and the label its header carried. */
export interface VaultDecryption {
  readonly plaintext: Buffer
  readonly secret: VaultSecret
  /** The vault id of a 1.2 header, undefined for 1.1. */
  readonly label: string | undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Open vault text (a whole vault file or an inline value) with the first of `secrets` whose HMAC matches. */
export function decryptVault(text: string | Uint8Array, secrets: VaultSecrets, source?: VaultSource): VaultDecryption {
  const origin = typeof source === 'string' ? { file: source, line: 1, col: 1 } : source
  const vaultText = typeof text === 'string' ? text : Buffer.from(text).toString('latin1')
  if (!isVaultText(vaultText)) throw new VaultFormatError('not vault encrypted data (no $ANSIBLE_VAULT header)', origin)
  const envelope = parseVaultEnvelope(vaultText, origin)
  const labelled = envelope.label === undefined ? '' : ` labelled '${envelope.label}'`
  if (secrets.secrets.length === 0) {
    throw new VaultDecryptError(`vault encrypted data${labelled} but no vault password was given (use --vault-id, --vault-password-file or --ask-vault-pass)`, origin)
  }
  for (const secret of secrets.candidates(envelope.label)) {
    const opened = decryptPayload(envelope, secret.password)
    if (opened === 'padding') throw new VaultFormatError(`vault payload is corrupt: the hmac matched vault id '${secret.vaultId}' but the padding is invalid`, origin)
    if (opened !== 'hmac') return { plaintext: opened, secret, label: envelope.label }
  }
  const wanted = envelope.label ?? DEFAULT_VAULT_ID
  const hint = secrets.ids.includes(wanted) ? 'wrong password, or the data was altered' : `no secret was given for vault id '${wanted}'`
  throw new VaultDecryptError(`cannot decrypt vault${labelled}: tried vault ids ${secrets.describeIds()} (${hint})`, origin)
}

/** The UTF-8 plaintext of vault text, for variable files, playbooks and inventories that were encrypted whole. */
export function decryptVaultText(text: string | Uint8Array, secrets: VaultSecrets, source?: VaultSource): string {
  const { plaintext } = decryptVault(text, secrets, source)
  try {
    return utf8.decode(plaintext)
  } catch {
    throw new VaultFormatError('the decrypted vault is not UTF-8 text', typeof source === 'string' ? { file: source, line: 1, col: 1 } : source)
  }
}

/**
 * The value of an inline `!vault |` scalar. `location` is where the scalar's text starts (the `$ANSIBLE_VAULT` line
 * and the block's indentation column), so a bad hex digit is reported at its own line and column.
 */
export function decryptVaultScalar(value: string, secrets: VaultSecrets, location?: SourceLocation): string {
  return decryptVaultText(value, secrets, location)
}

/**
 * Vault text for `plaintext` as ansible-vault writes it: labelled (format 1.2) with `label`, which defaults to the
 * secret's vault id; 'default' gives format 1.1.
 */
export function encryptVaultText(plaintext: string | Uint8Array, secret: VaultSecret, label: string = secret.vaultId): string {
  if (/[;\s]/.test(label)) throw new VaultFormatError(`vault id '${label}' cannot contain ';' or white space`)
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext
  if (isVaultText(bytes)) throw new VaultFormatError('input is already vault encrypted')
  return formatVaultEnvelope(encryptPayload(bytes, secret.password), label)
}
