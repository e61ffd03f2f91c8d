import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, extname } from 'node:path'
import { ensureType, type ConfigValue, type RawValue, type SettingType } from './convert.js'
import { ConfigError } from './error.js'
import { findConfigFile, SYSTEM_CONFIG_FILE } from './find.js'
import { parseIni, type IniFile } from './ini.js'
import { unfrackPath, type PathContext } from './python-path.js'
import { BASE_SETTINGS, type SettingDef } from './settings.js'
import { PLUGIN_SETTINGS } from './settings-plugins.js'

type Settings = typeof BASE_SETTINGS & typeof PLUGIN_SETTINGS

/** Every setting tsplay reads: ansible's base names (`DEFAULT_FORKS`) and plugin options (`connection.ssh.pipelining`). */
export const SETTINGS: Readonly<Record<SettingName, SettingDef>> = { ...BASE_SETTINGS, ...PLUGIN_SETTINGS }

/** A setting's name: a key of ansible's base.yml or `TYPE.PLUGIN.OPTION`. */
export type SettingName = keyof Settings

type TypeOf<T extends SettingType> = T extends 'boolean' ? boolean
  : T extends 'integer' | 'float' ? number
  : T extends 'list' | 'pathlist' | 'pathspec' ? readonly string[]
  : string

/** The value type of a setting, from its table entry: null only where ansible's default is None. */
export type SettingValue<K extends SettingName> = Settings[K] extends { readonly type: 'raw'; readonly default: infer D }
  ? string | (D extends boolean ? boolean : D)
  : TypeOf<Settings[K]['type']> | (Settings[K]['default'] extends null ? null : never)

/** A setting's value and where it came from: `default`, `env: NAME` or the configuration file's path. */
export interface Setting {
  readonly name: SettingName
  readonly value: ConfigValue
  readonly origin: string
}

/** What `loadConfig` reads instead of the process's own state; each defaults to the process's. */
export interface LoadConfigOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly home?: string
  /** A file given explicitly (`-c FILE`, relative to `cwd`), read instead of searching. */
  readonly file?: string
  /** The system-wide file, /etc/ansible/ansible.cfg unless a test says otherwise. */
  readonly systemFile?: string
}

/** ansible's configuration as ansible-core 2.14 computes it at start-up, every value typed and with its origin. */
export class AnsibleConfig {
  constructor(
    /** The configuration file read, or undefined when ansible would read none. */
    readonly file: string | undefined,
    /** Warnings ansible prints while loading (world-writable cwd, deprecated settings in use). */
    readonly warnings: readonly string[],
    private readonly settings: ReadonlyMap<SettingName, Setting>,
  ) {}

  /** The value of one setting, typed by the table. */
  get<K extends SettingName>(name: K): SettingValue<K> {
    return this.settings.get(name)!.value as SettingValue<K>
  }

  /** Where a setting's value came from: `default`, `env: NAME` or the configuration file's path. */
  origin(name: SettingName): string {
    return this.settings.get(name)!.origin
  }

  /** Every setting, in table order. */
  all(): readonly Setting[] {
    return [...this.settings.values()]
  }
}

/** Finds and reads ansible.cfg as ansible does, applies ANSIBLE_* variables over it; throws ConfigError as ansible refuses. */
export function loadConfig(options: LoadConfigOptions = {}): AnsibleConfig {
  const env = options.env ?? process.env
  const context: PathContext = { env, cwd: options.cwd ?? process.cwd(), home: options.home ?? env['HOME'] ?? homedir() }
  const found = options.file === undefined
    ? findConfigFile(context, options.systemFile ?? SYSTEM_CONFIG_FILE)
    : { file: unfrackPath(options.file, context), warnings: [] }
  const ini = found.file === undefined ? undefined : readConfigFile(found.file)
  const warnings = [...found.warnings]
  const settings = new Map<SettingName, Setting>()
  let ansibleHome = ''
  for (const [name, def] of Object.entries(SETTINGS) as [SettingName, SettingDef][]) {
    const setting = resolve(name, def, { context, ini, ansibleHome })
    if (name === 'ANSIBLE_HOME') ansibleHome = String(setting.value)
    if (def.deprecated && setting.origin !== 'default') {
      const alternative = def.deprecated.alternatives ? `, use ${def.deprecated.alternatives} instead` : ''
      warnings.push(`${name} option, ${def.deprecated.why}${alternative}. This feature will be removed from ansible-core in version ${def.deprecated.version}.`)
    }
    settings.set(name, setting)
  }
  return new AnsibleConfig(found.file, warnings, settings)
}

function readConfigFile(file: string): IniFile {
  const extension = extname(file)
  if (extension === '.yaml' || extension === '.yml') throw new ConfigError(`${file}: unsupported configuration file type: yaml`)
  if (extension !== '.cfg' && extension !== '.ini') throw new ConfigError(`${file}: unsupported configuration file extension: ${extension}`)
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new ConfigError(`${file}: cannot read configuration file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  // a BOM stays a character, as when Python decodes the file: configparser then finds no section header
  return parseIni(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), file)
}

interface Sources {
  readonly context: PathContext
  readonly ini: IniFile | undefined
  readonly ansibleHome: string
}

// Environment first, then the file, then the default; within each, the last entry set wins, as in ansible.
function resolve(name: SettingName, def: SettingDef, sources: Sources): Setting {
  const { context, ini } = sources
  let raw: RawValue = null
  let origin = 'default'
  let line: number | undefined
  for (const variable of def.env) {
    const value = context.env[variable]
    if (value !== undefined) [raw, origin] = [value, `env: ${variable}`]
  }
  if (raw === null && ini !== undefined) {
    for (const entry of def.ini) {
      const dot = entry.indexOf('.')
      const found = ini.get(entry.slice(0, dot), entry.slice(dot + 1))
      if (found !== undefined) [raw, origin, line] = [found.value, ini.file, found.line]
    }
  }
  const fallback = (): RawValue => typeof def.default === 'string' ? def.default.replace('{{ANSIBLE_HOME}}', sources.ansibleHome) : def.default
  if (raw === null) raw = fallback()
  const convertContext = { ...context, basedir: origin === ini?.file ? dirname(ini.file) : undefined }
  let value: ConfigValue
  try {
    value = ensureType(raw, def.type, convertContext)
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
    // an empty variable for a setting that cannot be empty means "unset", ansible's one exception
    if (!origin.startsWith('env: ') || raw !== '') {
      throw new ConfigError(`invalid type for configuration option ${name} (from ${origin}): ${error.message}`, where(ini, line))
    }
    origin = 'default'
    value = ensureType(fallback(), def.type, convertContext)
  }
  checkChoices(name, def, value, origin, where(ini, line))
  return { name, value, origin }
}

function where(ini: IniFile | undefined, line: number | undefined): { file: string; line: number; col: number } | undefined {
  return ini === undefined || line === undefined ? undefined : { file: ini.file, line, col: 1 }
}

function checkChoices(name: SettingName, def: SettingDef, value: ConfigValue, origin: string, location: ReturnType<typeof where>): void {
  if (value === null || def.choices === undefined) return
  const choices: readonly unknown[] = def.choices
  const valid = Array.isArray(value) ? value.every((item) => choices.includes(item)) : choices.includes(value)
  if (!valid) {
    const shown = Array.isArray(value) ? value.join(', ') : String(value)
    throw new ConfigError(`invalid value "${shown}" for configuration option ${name} (from ${origin}), valid values are: ${def.choices.join(', ')}`, location)
  }
}
