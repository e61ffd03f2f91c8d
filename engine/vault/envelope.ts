import type { SourceLocation } from '../errors.js'
import { VaultFormatError } from './errors.js'

const HEADER = '$ANSIBLE_VAULT'
const CIPHER = 'AES256'
const LINE_WIDTH = 80
const HEX_LINE = /^[0-9a-fA-F]*$/

/** The parts of one vault blob: who it was written for (label) and the three hexlified payload fields. */
export interface VaultEnvelope {
  readonly version: string
  readonly cipher: string
  /** The vault id of a 1.2 header; undefined for 1.1, which ansible treats as the id 'default'. */
  readonly label: string | undefined
  readonly salt: Buffer
  readonly hmac: Buffer
  readonly ciphertext: Buffer
}

/** The payload fields `formatVaultEnvelope` writes. */
export type VaultPayload = Pick<VaultEnvelope, 'salt' | 'hmac' | 'ciphertext'>

/**
 * Where the vault text starts: `line` is the header's line and `col` the column every line of the text starts at
 * (1 for a file, the block's indentation plus one for an inline `!vault |` scalar).
 */
export type VaultTextOrigin = SourceLocation

/** True when `text` starts with the `$ANSIBLE_VAULT` header, the test ansible applies before decrypting. */
export function isVaultText(text: string | Uint8Array): boolean {
  if (typeof text === 'string') return text.startsWith(HEADER)
  return Buffer.from(text.subarray(0, HEADER.length)).toString('latin1') === HEADER
}

/** Split a vault text into its header fields and raw payload; every fault is a `VaultFormatError` at its line. */
export function parseVaultEnvelope(text: string, origin?: VaultTextOrigin): VaultEnvelope {
  const at = (line: number, col = 0): SourceLocation | undefined =>
    origin && { file: origin.file, line: origin.line + line, col: origin.col + col }
  const lines = text.split(/\r\n|\r|\n/)
  const header = lines[0]!.trim().split(';').map((part) => part.trim())
  if (header[0] !== HEADER) throw new VaultFormatError(`not vault encrypted data (expected a '${HEADER};' header)`, at(0))
  if (header.length < 3) throw new VaultFormatError(`vault header '${lines[0]!.trim()}' lacks the version or the cipher`, at(0))
  const [, version, cipher, label] = header as [string, string, string, string | undefined]
  if (cipher !== CIPHER) {
    throw new VaultFormatError(`unsupported vault cipher '${cipher}' (ansible-vault writes and reads ${CIPHER})`, at(0, lines[0]!.indexOf(cipher)))
  }
  const hex: string[] = []
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trimEnd()
    if (!HEX_LINE.test(line)) {
      const bad = [...line].findIndex((c) => !/[0-9a-fA-F]/.test(c))
      throw new VaultFormatError(`vault payload: ${JSON.stringify(line[bad])} is not a hexadecimal digit`, at(i, bad))
    }
    hex.push(line)
  }
  const outer = hex.join('')
  const lastLine = Math.max(1, lines.length - (lines.at(-1) === '' ? 2 : 1))
  if (outer === '') throw new VaultFormatError('vault payload is empty', at(1))
  if (outer.length % 2 !== 0) throw new VaultFormatError('vault payload has an odd number of hex digits (truncated?)', at(lastLine))
  const fields = Buffer.from(outer, 'hex').toString('latin1').split('\n')
  if (fields.length !== 3) {
    throw new VaultFormatError(`vault payload holds ${fields.length} field${fields.length === 1 ? '' : 's'}, expected salt, hmac and ciphertext (truncated?)`, at(1))
  }
  const [salt, hmac, ciphertext] = fields.map((field, i) => unhex(field, ['salt', 'hmac', 'ciphertext'][i]!, at(1))) as [Buffer, Buffer, Buffer]
  if (hmac.length !== 32) throw new VaultFormatError(`vault payload: the hmac is ${hmac.length} bytes, expected 32`, at(1))
  return { version, cipher, label: label === undefined || label === '' ? undefined : label, salt, hmac, ciphertext }
}

/** The vault text ansible-vault writes: a 1.1 header (1.2 with `label` unless it is 'default'), 80-column hex lines. */
export function formatVaultEnvelope(payload: VaultPayload, label?: string): string {
  const labelled = label !== undefined && label !== '' && label !== 'default'
  const header = labelled ? `${HEADER};1.2;${CIPHER};${label}` : `${HEADER};1.1;${CIPHER}`
  const inner = [payload.salt, payload.hmac, payload.ciphertext].map((b) => b.toString('hex')).join('\n')
  const outer = Buffer.from(inner, 'latin1').toString('hex')
  const lines = [header]
  for (let i = 0; i < outer.length; i += LINE_WIDTH) lines.push(outer.slice(i, i + LINE_WIDTH))
  return `${lines.join('\n')}\n`
}

function unhex(field: string, what: string, location: SourceLocation | undefined): Buffer {
  if (field === '' || field.length % 2 !== 0 || !HEX_LINE.test(field)) {
    throw new VaultFormatError(`vault payload: the ${what} is not hexadecimal`, location)
  }
  return Buffer.from(field, 'hex')
}
