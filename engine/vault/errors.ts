import { formatLocation, TsplayError, type SourceLocation } from '../errors.js'

/** Any vault failure; `location` prefixes the message as `file:line:col:` when the vault text came from a file. */
export class VaultError extends TsplayError {
  override readonly name: string = 'VaultError'
  constructor(
    readonly detail: string,
    readonly location?: SourceLocation,
    options?: ErrorOptions,
  ) {
    super(location === undefined ? detail : `${formatLocation(location)}: ${detail}`, options)
  }
}

/** The envelope or its payload is not what ansible-vault writes: a bad header, non-hex text, a truncated payload. */
export class VaultFormatError extends VaultError {
  override readonly name: string = 'VaultFormatError'
}

/** None of the known secrets opened the vault: a wrong password, a missing vault id, or altered data. */
export class VaultDecryptError extends VaultError {
  override readonly name: string = 'VaultDecryptError'
}

/** A vault secret could not be obtained: a missing or empty password file, a failing script, an empty prompt. */
export class VaultSecretError extends VaultError {
  override readonly name: string = 'VaultSecretError'
}

/** The `tsplay vault` command line is wrong; ansible-vault exits 5 for these (argparse's own errors exit 2). */
export class VaultUsageError extends VaultError {
  override readonly name: string = 'VaultUsageError'
  constructor(
    detail: string,
    readonly exitCode: 2 | 5 = 5,
  ) {
    super(detail)
  }
}
