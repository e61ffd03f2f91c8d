import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import type { SourceLocation } from './errors.js'
import { PlaybookError } from './errors.js'
import { parseIniInventory } from './inventory-ini.js'
import { InventoryModel } from './inventory-model.js'
import { parseYamlInventory } from './inventory-yaml.js'
import { displayPath, errorAt, loadYaml, nodeLocation } from './source.js'
import type { Vars } from './template.js'

/** Variables from one place, with that place named for `--verbose` ("inventories/prod.ini:12"). */
export interface VarLayer {
  readonly source: string
  readonly vars: Vars
}

export interface InventoryHost {
  readonly name: string
  /** Host variables from the inventory file itself (INI inline vars as Python literals, or YAML). */
  readonly vars: VarLayer
  readonly location: SourceLocation
}

export interface InventoryGroup {
  readonly name: string
  /** Direct member hosts, in inventory order. */
  readonly hosts: readonly string[]
  readonly children: readonly string[]
  /** Group variables from the inventory file (INI `[g:vars]` values are literal-evaluated as ansible-core 2.14 does). */
  readonly vars: VarLayer
}

/** Group and host variables found in `group_vars/` and `host_vars/` beside one directory. */
export interface VarsDirs {
  readonly groups: ReadonlyMap<string, VarLayer>
  readonly hosts: ReadonlyMap<string, VarLayer>
}

/** The parsed inventory: hosts in inventory order, groups including the implicit `all` and `ungrouped`. */
export interface Inventory {
  readonly hosts: ReadonlyMap<string, InventoryHost>
  readonly groups: ReadonlyMap<string, InventoryGroup>
  /** Directories of the inventory sources (where their group_vars/ and host_vars/ live). */
  readonly dirs: readonly string[]
  /**
   * Every group the host is in, directly or through children, `all` included, in the order Ansible merges
   * their variables: by depth (all first), then `ansible_group_priority`, then name.
   */
  groupsOf(host: string): readonly string[]
  /** `group_names`: the host's groups sorted, without `all` (`ungrouped` included when the host is in it). */
  groupNames(host: string): readonly string[]
  /** The `groups` magic variable: every group to its hosts (transitively), in inventory order. */
  groupsVar(): Record<string, string[]>
  /**
   * Hosts matching an Ansible host pattern: names, groups, `a:b`, `a,b`, `a:&b`, `a:!b`, wildcards, `~regex`,
   * `group[0]`, `group[1:]`. Unknown names match nothing (the caller warns); `localhost` is implicit.
   */
  select(pattern: string | readonly string[]): string[]
  /** `add_host`: add or update a host in the given groups (created as needed). */
  addHost(name: string, groups: readonly string[], vars: Vars): void
  /** `group_by`: add a host to a group, creating it (child of `all`, and of `parents`) as needed. */
  addToGroup(host: string, group: string, parents?: readonly string[]): void
}

const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json']

/**
 * Read inventory sources: INI or YAML files, directories of them, or a comma list `h1,h2,`. Also reads
 * group_vars/ and host_vars/ beside each source. Throws PlaybookError located at the offending line.
 */
export function loadInventory(sources: readonly string[]): Inventory & { readonly varsDirs: readonly VarsDirs[] } {
  const model = new InventoryModel()
  const varsDirs: VarsDirs[] = []
  for (const source of sources) {
    if (!existsSync(source) && source.includes(',')) {
      for (const name of source.split(',').map((s) => s.trim()).filter(Boolean)) {
        model.host(name, 'ungrouped', {}, { file: '<command line>', line: 1, col: 1 })
      }
      continue
    }
    if (!existsSync(source)) throw new PlaybookError('inventory source not found', { file: displayPath(source), line: 1, col: 1 })
    const dir = statSync(source).isDirectory() ? resolve(source) : dirname(resolve(source))
    const files = statSync(source).isDirectory() ? inventoryFilesIn(source) : [source]
    for (const file of files) readInventoryFile(file, model)
    model.dirs.push(dir)
    varsDirs.push(loadVarsDirs(dir))
  }
  return Object.assign(model, { varsDirs })
}

/** group_vars/<group>(.yml|.yaml|.json|/…) and host_vars/<host>(…) beside `dir`; empty maps when absent. */
export function loadVarsDirs(dir: string): VarsDirs {
  return { groups: readVarsDir(join(dir, 'group_vars')), hosts: readVarsDir(join(dir, 'host_vars')) }
}

function readInventoryFile(file: string, model: InventoryModel): void {
  const text = readFileSync(file, 'utf8')
  const ext = extname(file)
  if (ext === '.yml' || ext === '.yaml' || ext === '.json' || /^\s*(---|\w[\w.-]*:\s*($|#|\{))/.test(text)) {
    parseYamlInventory(loadYaml(file), model)
  } else {
    parseIniInventory(text, file, model)
  }
}

/** Files of an inventory directory, as Ansible skips them: no group_vars/host_vars, backups, or dotfiles. */
function inventoryFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !/(~|\.orig|\.bak|\.ini~|\.cfg|\.retry|\.pyc|\.pyo)$/.test(name))
    .filter((name) => name !== 'group_vars' && name !== 'host_vars')
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort()
}

function readVarsDir(dir: string): Map<string, VarLayer> {
  const layers = new Map<string, VarLayer>()
  if (!existsSync(dir)) return layers
  const names = new Set(readdirSync(dir).filter((n) => !n.startsWith('.')).map((n) => (statSync(join(dir, n)).isDirectory() ? n : stripVarsExtension(n))))
  for (const name of [...names].sort()) {
    const files = VARS_EXTENSIONS.map((ext) => join(dir, name + ext)).filter((p) => existsSync(p) && statSync(p).isFile())
    const sub = join(dir, name)
    if (existsSync(sub) && statSync(sub).isDirectory()) files.push(...walkVarsFiles(sub))
    const vars: Vars = {}
    for (const file of files) Object.assign(vars, readVarsFile(file))
    layers.set(name, { source: displayPath(files[0] ?? sub), vars })
  }
  return layers
}

function stripVarsExtension(name: string): string {
  const ext = extname(name)
  return VARS_EXTENSIONS.includes(ext) ? basename(name, ext) : name
}

function walkVarsFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort()
    .flatMap((n) => {
      const path = join(dir, n)
      if (statSync(path).isDirectory()) return walkVarsFiles(path)
      return VARS_EXTENSIONS.includes(extname(n)) ? [path] : []
    })
}

/** One variables file: a YAML (or JSON) mapping; an empty file is no variables. */
export function readVarsFile(file: string): Vars {
  const src = loadYaml(file)
  const value = src.doc.toJSON() as unknown
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw errorAt(src, nodeLocation(src, src.doc.contents as never), 'a variables file must be a mapping of names to values')
  }
  return value as Vars
}
