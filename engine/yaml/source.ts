import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml'
import { PlaybookError, type SourceLocation } from '../errors.js'
import { flattenDocument, pyyamlTags } from './pyyaml.js'

/** A parsed YAML file that still knows where every node came from. */
export interface SourceFile {
  /** Path as shown in messages: relative to the working directory when that is shorter. */
  readonly path: string
  readonly text: string
  readonly doc: Document.Parsed
  readonly lines: LineCounter
  /** What ansible warns about while reading the file (a key given twice), as `file:line:col: message`. */
  readonly warnings: readonly string[]
}

export type YamlPath = ReadonlyArray<string | number>

/** Path as users typed it: relative to the working directory unless that climbs out of it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') ? rel : path
}

/**
 * Parse YAML text with positions. Throws PlaybookError at the first syntax error, located.
 * Scalars, merge keys, aliases and duplicate keys are read as ansible-core reads them (PyYAML, see pyyaml.ts).
 */
export function parseYaml(text: string, path: string): SourceFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, version: '1.1', uniqueKeys: false, customTags: pyyamlTags })
  const shown = displayPath(path)
  const [first] = doc.errors
  if (first) {
    const at = lines.linePos(first.pos[0])
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new PlaybookError(`yaml syntax error: ${lowerFirst(message)}`, { file: shown, ...at }, lineOf(text, at.line))
  }
  const { duplicates } = flattenDocument(doc)
  const warnings = duplicates.map(({ key, node }) => {
    const at = lines.linePos(node.range?.[0] ?? 0)
    return `${shown}:${at.line}:${at.col}: found a duplicate dict key (${key}); using last defined value only`
  })
  return { path: shown, text, doc, lines, warnings }
}

/**
 * Read and parse a YAML file; see parseYaml. A file read again with the same text (a role applied twice, a task
 * file included for every host) is not parsed again: its SourceFile is shared, which is safe because nothing
 * changes a parsed file. A file rewritten meanwhile (a play may generate what it includes) is parsed afresh.
 */
export function loadYaml(path: string): SourceFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new PlaybookError(`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: displayPath(path), line: 1, col: 1 })
  }
  const known = parsedFiles.get(path)
  if (known?.text === text && known.path === displayPath(path)) return known
  const parsed = parseYaml(text, path)
  parsedFiles.set(path, parsed)
  return parsed
}

const parsedFiles = new Map<string, SourceFile>()

/** Location of a node in its file. */
export function nodeLocation(src: SourceFile, node: Node | undefined | null): SourceLocation {
  if (node?.range) return { file: src.path, ...src.lines.linePos(node.range[0]) }
  return { file: src.path, line: 1, col: 1 }
}

/** Location of the node at `path`, or of its nearest existing ancestor (e.g. for a missing key). */
export function locate(src: SourceFile, path: YamlPath): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const node = src.doc.getIn(path.slice(0, n), true)
    if (isNode(node) && node.range) return nodeLocation(src, node)
  }
  return { file: src.path, line: 1, col: 1 }
}

/** Location of `key` itself (not its value) in the mapping at `mapPath`. */
export function locateKey(src: SourceFile, mapPath: YamlPath, key: string): SourceLocation {
  const map = mapPath.length ? src.doc.getIn(mapPath, true) : src.doc.contents
  const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) : undefined
  return isNode(pair?.key) ? nodeLocation(src, pair.key) : locate(src, mapPath)
}

/** A located error with the offending line as excerpt. */
export function errorAt(src: SourceFile, location: SourceLocation, detail: string): PlaybookError {
  return new PlaybookError(detail, location, lineOf(src.text, location.line))
}

/** The source line `line` (1-based) of `text`, without its newline. */
export function lineOf(text: string, line: number): string | undefined {
  return text.split('\n')[line - 1]?.replace(/\r$/, '')
}

/** True when `node` is a YAML mapping or sequence (not a scalar). */
export const isCollection = (node: unknown): boolean => isMap(node) || isSeq(node)

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1)
