import { readFileSync } from 'node:fs'
import minimist from 'minimist'
import { TsplayError, UsageError } from '../errors.js'
import { loadConfig, SETTINGS, type AnsibleConfig, type LoadConfigOptions, type SettingName } from './load.js'
import { pythonStr } from './python-str.js'

/** Where `configCommand` writes, and the process state it reads instead of the real one when given. */
export interface ConfigIo extends Omit<LoadConfigOptions, 'file'> {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

const USAGE = 'usage: tsplay config {dump [--only-changed] [-t base|all|connection|callback [PLUGIN...]] | view | list} [-c FILE]'
// ansible's order of configurable plugin types, as `dump -t all` walks them
const PLUGIN_TYPES = ['callback', 'connection'] as const

/**
 * `tsplay config dump|view|list`, as `ansible-config`: dump prints `NAME(origin) = value` lines (`--only-changed`:
 * those not at their default) byte for byte as ansible-config does for the settings tsplay knows. Returns the exit
 * code: 0, 5 for a bad configuration or usage (as ansible), 1 when `view` has no file.
 */
export async function configCommand(argv: readonly string[], io: ConfigIo): Promise<number> {
  try {
    const o = minimist([...argv], {
      boolean: ['only-changed', 'changed-only', 'help'],
      string: ['config', 'type', 'format'],
      alias: { c: 'config', t: 'type', f: 'format', h: 'help' },
      unknown: (arg) => {
        if (arg.startsWith('-')) throw new UsageError(`config: unknown option '${arg}'`)
        return true
      },
    })
    if (o['help']) return (io.out(`${USAGE}\n`), 0)
    const [action, ...args] = o._.map(String)
    const config = loadConfig({ ...io, ...(o['config'] === undefined ? {} : { file: String(o['config']) }) })
    for (const warning of config.warnings) io.err(`[WARNING]: ${warning}\n`)
    if (action === 'dump') {
      if ((o['format'] ?? 'display') !== 'display') throw new UsageError(`config: --format: tsplay prints the display format only`)
      io.out(`${dump(config, String(o['type'] ?? 'base'), args, Boolean(o['only-changed'] || o['changed-only']), io)}\n`)
      return 0
    }
    if (action === 'view') {
      if (config.file === undefined) return (io.err('tsplay: config: invalid or no config file was supplied\n'), 1)
      // ansible's pager ends the text with exactly one newline
      const text = readFileSync(config.file, 'utf8')
      io.out(text.endsWith('\n') ? text : `${text}\n`)
      return 0
    }
    if (action === 'list') return (io.out(list()), 0)
    throw new UsageError(action === undefined ? 'config: missing action (dump, view or list)' : `config: unknown action '${action}' (expected dump, view or list)`)
  } catch (error) {
    if (error instanceof UsageError) return (io.err(`tsplay: ${error.message}\n${USAGE}\n`), 5)
    if (error instanceof TsplayError) return (io.err(`tsplay: ${error.message}\n`), 5)
    throw error
  }
}

function dump(config: AnsibleConfig, type: string, plugins: readonly string[], onlyChanged: boolean, io: ConfigIo): string {
  if (type === 'base') return baseLines(config, onlyChanged).join('\n')
  if (type === 'all') {
    const output = baseLines(config, onlyChanged)
    for (const pluginType of PLUGIN_TYPES) {
      const lines = pluginLines(config, pluginType, plugins, onlyChanged, io)
      if (!onlyChanged || lines.length > 0) output.push(`\n${pluginType.toUpperCase()}:\n${'='.repeat(pluginType.length)}`, ...lines)
    }
    return output.join('\n')
  }
  if (!(PLUGIN_TYPES as readonly string[]).includes(type)) throw new UsageError(`config: --type: tsplay knows base, all, ${PLUGIN_TYPES.join(', ')}; got '${type}'`)
  return pluginLines(config, type, plugins, onlyChanged, io).join('\n')
}

function line(name: string, origin: string, value: string): string {
  return `${name}(${origin}) = ${value}`
}

// CONFIG_FILE is ansible's pseudo-setting whose origin is empty, so it always counts as changed
function baseLines(config: AnsibleConfig, onlyChanged: boolean): string[] {
  const lines = new Map<string, string>([['CONFIG_FILE', line('CONFIG_FILE', '', config.file ?? 'None')]])
  for (const setting of config.all()) {
    if (setting.name.includes('.') || (onlyChanged && setting.origin === 'default')) continue
    lines.set(setting.name, line(setting.name, setting.origin, pythonStr(setting.value, SETTINGS[setting.name].type)))
  }
  return [...lines.keys()].sort().map((name) => lines.get(name)!)
}

function pluginLines(config: AnsibleConfig, type: string, wanted: readonly string[], onlyChanged: boolean, io: ConfigIo): string[] {
  const byPlugin = new Map<string, Map<string, string>>()
  for (const setting of config.all()) {
    const [settingType, plugin, option] = setting.name.split('.')
    if (settingType !== type || option === undefined || plugin === undefined) continue
    if (!byPlugin.has(plugin)) byPlugin.set(plugin, new Map())
    if (onlyChanged && setting.origin === 'default') continue
    byPlugin.get(plugin)!.set(option, line(option, setting.origin, pythonStr(setting.value, SETTINGS[setting.name].type)))
  }
  for (const plugin of wanted) if (!byPlugin.has(plugin)) io.err(`[WARNING]: Skipping ${plugin} as tsplay knows no settings of that ${type} plugin\n`)
  const output: string[] = []
  for (const [plugin, options] of byPlugin) {
    if ((wanted.length > 0 && !wanted.includes(plugin)) || options.size === 0) continue
    output.push(`\n${plugin}:\n${'_'.repeat(plugin.length)}`, ...[...options.keys()].sort().map((option) => options.get(option)!))
  }
  return output
}

function list(): string {
  const lines: string[] = []
  for (const [name, def] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const sources = [...def.env.map((variable) => `env ${variable}`), ...def.ini.map((entry) => `ini [${entry.replace('.', '] ')}`)]
    lines.push(`${name}: ${def.type}, default ${JSON.stringify(def.default)}; ${sources.join(', ')}`)
  }
  return `${lines.join('\n')}\n`
}
