import type { LineCounter, Scalar, ScalarTag } from 'yaml'
import type { SourceLocation } from '../errors.js'
import type { VaultSecrets } from './secrets.js'
import { decryptVaultScalar } from './vault-text.js'

/** The tags ansible reads as inline vault values; give these to `parseDocument`'s `customTags` so they keep their tag. */
export const VAULT_YAML_TAGS: readonly ScalarTag[] = ['!vault', '!vault-encrypted'].map((tag) => ({
  tag,
  resolve: (text: string) => text,
}))

/** True for a scalar tagged `!vault` (or ansible's older `!vault-encrypted`). */
export function isVaultNode(node: unknown): node is Scalar<string> {
  const tag = (node as { tag?: unknown } | null)?.tag
  return (tag === '!vault' || tag === '!vault-encrypted') && typeof (node as Scalar).value === 'string'
}

/**
 * The plaintext of a `!vault` scalar of a parsed document; a fault is reported at its own line and column in `file`
 * (found from the `$ANSIBLE_VAULT` header in `text`, the document's source, and the document's line counter).
 */
export function decryptVaultNode(node: Scalar<string>, text: string, lines: LineCounter, file: string, secrets: VaultSecrets): string {
  const start = node.range?.[0] ?? 0
  const header = text.indexOf('$ANSIBLE_VAULT', start)
  const at = lines.linePos(header >= 0 && header < (node.range?.[1] ?? text.length) ? header : start)
  const location: SourceLocation = { file, line: at.line, col: at.col }
  return decryptVaultScalar(node.value, secrets, location)
}
