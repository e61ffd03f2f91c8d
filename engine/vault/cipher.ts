import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { VaultPayload } from './envelope.js'

// ansible's VaultAES256: PBKDF2-HMAC-SHA256 (10000 rounds, 32-byte salt) yields 80 bytes: the AES-256 key, the
// HMAC-SHA256 key and the CTR counter block, in that order. The HMAC covers the ciphertext only (encrypt-then-MAC).
const ROUNDS = 10_000
const KEY_BYTES = 32
const BLOCK_BYTES = 16
const SALT_BYTES = 32

interface Keys {
  readonly cipherKey: Buffer
  readonly hmacKey: Buffer
  readonly iv: Buffer
}

function deriveKeys(password: Uint8Array, salt: Uint8Array): Keys {
  const derived = pbkdf2Sync(password, salt, ROUNDS, 2 * KEY_BYTES + BLOCK_BYTES, 'sha256')
  return {
    cipherKey: derived.subarray(0, KEY_BYTES),
    hmacKey: derived.subarray(KEY_BYTES, 2 * KEY_BYTES),
    iv: derived.subarray(2 * KEY_BYTES),
  }
}

/** Encrypt `plaintext` under `password` with a fresh random salt (or the given one, for reproducible tests). */
export function encryptPayload(plaintext: Uint8Array, password: Uint8Array, salt: Uint8Array = randomBytes(SALT_BYTES)): VaultPayload {
  const keys = deriveKeys(password, salt)
  const padding = BLOCK_BYTES - (plaintext.length % BLOCK_BYTES)
  const padded = Buffer.concat([plaintext, Buffer.alloc(padding, padding)])
  const cipher = createCipheriv('aes-256-ctr', keys.cipherKey, keys.iv)
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()])
  const hmac = createHmac('sha256', keys.hmacKey).update(ciphertext).digest()
  return { salt: Buffer.from(salt), hmac, ciphertext }
}

/** Why one password did not open a payload; the caller words the error because it knows which ids were tried. */
export type PayloadFailure = 'hmac' | 'padding'

/**
 * The plaintext of `payload` under `password`, or the reason it failed. The HMAC is compared in constant time before
 * anything is decrypted, so a wrong password and altered data look the same and leak nothing.
 */
export function decryptPayload(payload: VaultPayload, password: Uint8Array): Buffer | PayloadFailure {
  const keys = deriveKeys(password, payload.salt)
  const expected = createHmac('sha256', keys.hmacKey).update(payload.ciphertext).digest()
  if (expected.length !== payload.hmac.length || !timingSafeEqual(expected, payload.hmac)) return 'hmac'
  const decipher = createDecipheriv('aes-256-ctr', keys.cipherKey, keys.iv)
  const padded = Buffer.concat([decipher.update(payload.ciphertext), decipher.final()])
  return unpad(padded) ?? 'padding'
}

function unpad(padded: Buffer): Buffer | undefined {
  const padding = padded.at(-1)
  if (padding === undefined || padding < 1 || padding > BLOCK_BYTES || padded.length % BLOCK_BYTES !== 0) return undefined
  for (let i = padded.length - padding; i < padded.length; i++) if (padded[i] !== padding) return undefined
  return padded.subarray(0, padded.length - padding)
}
