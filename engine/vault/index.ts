// Ansible Vault: the `$ANSIBLE_VAULT` 1.1/1.2 AES256 format, vault secrets from ansible's command-line sources,
// and the `tsplay vault` command.
// May import: errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { isVaultText, type VaultTextOrigin } from './envelope.js'
export { VaultDecryptError, VaultError, VaultFormatError, VaultSecretError, VaultUsageError } from './errors.js'
export { DEFAULT_VAULT_ID, VaultSecret, VaultSecrets } from './secrets.js'
export { loadVaultSecrets, type VaultSecretIO, type VaultSecretOptions } from './sources.js'
export { decryptVault, decryptVaultScalar, decryptVaultText, encryptVaultText, type VaultDecryption, type VaultSource } from './vault-text.js'
export { formatVaultYaml } from './encrypt-string.js'
export { vaultCommand, type VaultCommandIO } from './command.js'
export { terminalVaultIO } from './terminal.js'
export { decryptVaultNode, isVaultNode, VAULT_YAML_TAGS } from './yaml.js'
