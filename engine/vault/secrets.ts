import { inspect } from 'node:util'
import { VaultSecretError } from './errors.js'

/** The vault id ansible gives a password that was not labelled (`--vault-password-file`, `--ask-vault-pass`). */
export const DEFAULT_VAULT_ID = 'default'

/** One password and the vault id it was given for; printing it (console, JSON, inspect) never shows the password. */
export class VaultSecret {
  readonly #password: Buffer

  constructor(
    readonly vaultId: string,
    password: Uint8Array | string,
    /** Where the password came from, for messages: "file /etc/vault.pass", "prompt", "script ./pass-client". */
    readonly origin: string = 'given',
  ) {
    this.#password = Buffer.from(password)
    if (this.#password.length === 0) throw new VaultSecretError(`empty vault password for vault id '${vaultId}' (from ${origin})`)
  }

  /** The password bytes, as PBKDF2 takes them. */
  get password(): Buffer {
    return this.#password
  }

  /** A description without the password, so a secret logged by mistake leaks nothing. */
  toString(): string {
    return `VaultSecret(${this.vaultId} from ${this.origin})`
  }

  /** Same as `toString()`: `JSON.stringify` of a secret must not reveal it. */
  toJSON(): string {
    return this.toString()
  }

  /** Same as `toString()`, for `console.log` and `util.inspect`. */
  [inspect.custom](): string {
    return this.toString()
  }
}

/** The ordered secrets of one run, as ansible builds them from `--vault-id` and friends (earlier ones first). */
export class VaultSecrets {
  constructor(readonly secrets: readonly VaultSecret[] = []) {}

  /** The vault ids, in order, for messages such as "tried vault ids dev, prod". */
  get ids(): string[] {
    return this.secrets.map((s) => s.vaultId)
  }

  /** A new set with `secret` added after the existing ones. */
  with(secret: VaultSecret): VaultSecrets {
    return new VaultSecrets([...this.secrets, secret])
  }

  /**
   * The secrets to try on a blob labelled `label` (undefined for 1.1, meaning 'default'): those with that vault id
   * first, then every other one in order, since ansible does not insist that the label matches.
   */
  candidates(label: string | undefined): VaultSecret[] {
    const wanted = label ?? DEFAULT_VAULT_ID
    return [...this.secrets.filter((s) => s.vaultId === wanted), ...this.secrets.filter((s) => s.vaultId !== wanted)]
  }

  /** The secret to encrypt with: the one `--encrypt-vault-id` names, else the only one there is. */
  forEncrypt(encryptVaultId?: string): VaultSecret {
    if (encryptVaultId !== undefined && encryptVaultId !== '') {
      const match = this.secrets.find((s) => s.vaultId === encryptVaultId)
      if (match !== undefined) return match
      throw new VaultSecretError(`--encrypt-vault-id '${encryptVaultId}' matches none of the known vault ids (${this.describeIds()})`)
    }
    if (this.secrets.length === 0) throw new VaultSecretError('a vault password is required to encrypt')
    if (this.secrets.length > 1) {
      throw new VaultSecretError(`the vault ids ${this.ids.join(', ')} are all available to encrypt: choose one with --encrypt-vault-id`)
    }
    return this.secrets[0]!
  }

  /** "dev, prod" or "none given", for error messages. */
  describeIds(): string {
    return this.secrets.length === 0 ? 'none given' : this.ids.join(', ')
  }
}
