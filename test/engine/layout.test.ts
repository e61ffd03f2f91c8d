// engine/ is a set of folders, each with one public door (its index.ts), and its files import each other without
// circles: a circle would make the order in which modules initialise matter, and a reader could no longer follow
// the flow cli → load → run → module → connection from the imports. This test reads every import of every
// TypeScript file (type-only imports included: they are dependencies of the reader too) and fails on either.
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const IMPORT = /\b(?:import|export)(?:\s+type)?\s+[^;'"]*?\s*from\s*'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)|^import\s+'(\.[^']+)'/gm

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Each file's relative imports, as repository paths of .ts files. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const targets = [...text.matchAll(IMPORT)].map((m) => posix.join(posix.dirname(file), (m[1] ?? m[2] ?? m[3])!).replace(/\.js$/, '.ts'))
    graph.set(file, targets)
  }
  return graph
}

/** The strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string): void => {
    index.set(node, next)
    low.set(node, next++)
    stack.push(node)
    onStack.add(node)
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node)!, low.get(to)!))
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!))
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return found
}

/** The engine folder a file belongs to (`engine/run/task.ts` → `run`), or undefined for a top-level file. */
const folderOf = (file: string): string | undefined => /^engine\/([^/]+)\/./.exec(file)?.[1]

const files = [...sources('engine'), ...sources('modules')]
const graph = importGraph(files)

describe('engine layout', () => {
  it('has no import circles between files', () => {
    expect(circles(graph).map((c) => c.join(' → '))).toEqual([])
  })

  it('reaches into another engine folder only through its index.ts', () => {
    const trespasses: string[] = []
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const folder = folderOf(target)
        if (folder !== undefined && folderOf(file) !== folder && target !== `engine/${folder}/index.ts`) trespasses.push(`${file} → ${target}`)
      }
    }
    expect(trespasses).toEqual([])
  })

  it('imports only the folders its index.ts says it may import', () => {
    const allowed = new Map<string, Set<string>>()
    for (const [file] of graph) {
      const folder = folderOf(file)
      if (folder === undefined || file !== `engine/${folder}/index.ts`) continue
      const line = /^\/\/ May import: (.*)\.$/m.exec(readFileSync(join(ROOT, file), 'utf8'))?.[1] ?? ''
      allowed.set(folder, new Set(line.split(',').map((name) => name.trim().replace(/ \(.*\)$/, ''))))
    }
    const unexpected: string[] = []
    for (const [file, targets] of graph) {
      const folder = folderOf(file)
      if (folder === undefined || folder === 'cli') continue
      for (const target of targets) {
        const to = folderOf(target) ?? (target.startsWith('modules/') ? 'modules' : posix.basename(target, '.ts'))
        if (to !== folder && !allowed.get(folder)?.has(to)) unexpected.push(`${file} → ${target}`)
      }
    }
    expect(unexpected).toEqual([])
  })

  it('gives every engine folder an index.ts', () => {
    const folders = readdirSync(join(ROOT, 'engine'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
    expect(folders.filter((f) => !graph.has(`engine/${f}/index.ts`))).toEqual([])
  })

  it('finds a circle and a trespass when there is one (the checks can fail)', () => {
    expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']])
    expect(circles(new Map([['a', ['a']]]))).toEqual([['a']])
    expect(folderOf('engine/run/task.ts')).toBe('run')
    expect(folderOf('engine/errors.ts')).toBeUndefined()
  })
})
