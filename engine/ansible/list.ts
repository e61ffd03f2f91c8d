// What runs as Ansible's own module when tsplay has no native version: ansible-core's modules (ansible.builtin) and
// the modules of the collections on the collection roots, read from the folders without starting ansible itself.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { collectionRoots, coreModulesDir } from './find.js'

/** One module of ansible-core: its name, its DOCUMENTATION's short_description, and its file. */
export interface CoreModule {
  readonly name: string
  readonly description: string
  readonly path: string
}

/** One installed collection: `namespace.name`, its folder, and how many modules it has. */
export interface InstalledCollection {
  readonly name: string
  readonly path: string
  readonly modules: number
}

const entries = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort()
  } catch {
    return []
  }
}

/** The short_description of a module file, or undefined when it has none (async_wrapper and other internals). */
export function shortDescription(path: string): string | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  const found = /^short_description:\s*(.+)$/m.exec(text)?.[1]?.trim()
  return found?.replace(/^(['"])(.*)\1$/, '$2')
}

/** ansible-core's documented modules (as ansible-doc lists ansible.builtin), or none when ansible-core is missing. */
export function coreModules(): CoreModule[] {
  const dir = coreModulesDir()
  if (dir === undefined) return []
  return entries(dir).flatMap((file) => {
    if (!file.endsWith('.py') || file.startsWith('_')) return []
    const path = join(dir, file)
    const description = shortDescription(path)
    return description === undefined ? [] : [{ name: file.slice(0, -3), description, path }]
  })
}

/** The collections with modules on the collection roots, the nearest root's copy of each, sorted by name. */
export function installedCollections(env: NodeJS.ProcessEnv = process.env): InstalledCollection[] {
  const found = new Map<string, InstalledCollection>()
  for (const root of collectionRoots(env)) {
    const base = join(root, 'ansible_collections')
    for (const namespace of entries(base)) {
      for (const collection of entries(join(base, namespace))) {
        const name = `${namespace}.${collection}`
        if (found.has(name)) continue
        const path = join(base, namespace, collection)
        const modules = entries(join(path, 'plugins', 'modules')).filter((f) => f.endsWith('.py') && !f.startsWith('_')).length
        if (modules > 0) found.set(name, { name, path, modules })
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name))
}
