// YAML with positions: every value knows its file:line:col, for errors that point at the source.
// May import: vault (decrypting vaulted files and values), errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { decodeUtf8, displayPath, errorAt, lineOf, loadYaml, nodeLocation, onDuplicateYamlKeys, onYamlWarning, parseYaml } from './source.js'
export type { DuplicateKeys, SourceFile } from './source.js'
export { isUnsafe, markUnsafe, toUnsafe, UnsafeText } from './unsafe.js'
export { decryptedFile, useVaultSecrets } from './vault.js'
