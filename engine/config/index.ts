// ansible.cfg found, read and typed as ansible-core 2.14 does (ANSIBLE_* over the file over defaults), and `tsplay config`.
// May import: errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { configCommand, type ConfigIo } from './command.js'
export { ensureType, type ConfigValue, type SettingType } from './convert.js'
export { ConfigError } from './error.js'
export { findConfigFile, type FoundConfig } from './find.js'
export { parseIni, type IniFile, type IniValue } from './ini.js'
export { AnsibleConfig, loadConfig, SETTINGS, type LoadConfigOptions, type Setting, type SettingName, type SettingValue } from './load.js'
export type { SettingDef } from './settings.js'
