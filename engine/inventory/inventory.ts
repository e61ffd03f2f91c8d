import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { PlaybookError } from '../errors.js'
import { parseIniInventory } from './ini.js'
import { InventoryModel } from './model.js'
import type { Inventory, VarLayer, VarsDirs } from './types.js'
import { parseYamlInventory } from './yaml.js'
import { displayPath, errorAt, loadYaml, nodeLocation } from '../yaml/index.js'
import type { Vars } from '../template/index.js'

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

/**
 * One variables file: a YAML (or JSON) mapping; an empty file is no variables. With `list` (a play's vars_files,
 * as ansible's preprocess_vars) a list of mappings is read too, later ones over earlier ones.
 */
export function readVarsFile(file: string, list = false): Vars {
  const src = loadYaml(file)
  const value = src.doc.toJSON() as unknown
  if (value === null || value === undefined) return {}
  const isMapping = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (list && Array.isArray(value)) {
    if (!value.every(isMapping)) throw errorAt(src, nodeLocation(src, src.doc.contents as never), 'variable files must contain either a dictionary of variables, or a list of dictionaries')
    return Object.assign({}, ...(value as Vars[])) as Vars
  }
  if (!isMapping(value)) {
    throw errorAt(src, nodeLocation(src, src.doc.contents as never), 'a variables file must be a mapping of names to values')
  }
  return value as Vars
}
