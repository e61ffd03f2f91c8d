import { readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml'
import { PlaybookError, type SourceLocation } from '../errors.js'
import { UnsafeText } from './unsafe.js'
import { decryptedFile, decryptVaultValues } from './vault.js'
import { VAULT_YAML_TAGS } from '../vault/index.js'
import { expandAliases, firstInvalidUtf8, firstUnprintable } from './hostile.js'
import { flattenDocument, pyyamlTags } from './pyyaml.js'

/** A parsed YAML file that still knows where every node came from. */
export interface SourceFile {
  /** Path as shown in messages: relative to the working directory when that is shorter. */
  readonly path: string
  readonly text: string
  readonly doc: Document.Parsed
  readonly lines: LineCounter
  /** What ansible warns about while reading the file (a key given twice), in ansible's words. */
  readonly warnings: readonly string[]
  /** The keys given twice in one mapping, at the second one: the last value is the one used. */
  readonly duplicateKeys: ReadonlyArray<{ readonly key: string; readonly line: number; readonly col: number }>
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
  const shown = displayPath(path)
  // PyYAML takes a lone CR as a line break (old Mac files); the yaml package does not. One character for one
  // keeps every offset, so positions stay right.
  if (text.includes('\r')) text = text.replace(/\r(?!\n)/g, '\n')
  const lines = new LineCounter()
  const at = (offset: number): SourceLocation => ({ file: shown, ...lines.linePos(offset) })
  const unprintable = firstUnprintable(text)
  if (unprintable !== undefined) {
    lines.addNewLine(0)
    for (let i = text.indexOf('\n'); i >= 0 && i < unprintable; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1)
    const code = text.codePointAt(unprintable)!.toString(16).padStart(4, '0')
    throw new PlaybookError(`yaml: unacceptable character #x${code}: special characters are not allowed`, at(unprintable), lineOf(text, at(unprintable).line)?.replace(/[^\t\x20-\x7e\xa0-\uffff]/gu, '?'))
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, version: '1.1', uniqueKeys: false, customTags: (tags) => [...pyyamlTags(tags), UNSAFE_TAG, ...VAULT_YAML_TAGS] })
  const [first] = doc.errors
  if (first) {
    const where = at(first.pos[0])
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new PlaybookError(`yaml syntax error: ${lowerFirst(message)}`, where, lineOf(text, where.line))
  }
  const refused = expandAliases(doc)
  if (refused) {
    const where = refused.node.range ? at(refused.node.range[0]) : { file: shown, line: 1, col: 1 }
    throw new PlaybookError(refused.detail, where, lineOf(text, where.line))
  }
  const { duplicates } = flattenDocument(doc)
  decryptVaultValues(doc, text, lines, shown)
  const warnings = duplicates.map(({ key, mapping }) => {
    const at = lines.linePos(mapping.range?.[0] ?? 0)
    return `While constructing a mapping from ${resolve(path)}, line ${at.line}, column ${at.col}, found a duplicate dict key (${key}). Using last defined value only.`
  })
  if (duplicateKeys === 'error' && duplicates.length > 0) {
    const { key, mapping } = duplicates[0]!
    const where = at(mapping.range?.[0] ?? 0)
    throw new PlaybookError(`yaml: found a duplicate dict key (${key}); duplicate_dict_key is error`, where, lineOf(text, where.line))
  }
  if (duplicateKeys === 'warn') for (const warning of warnings) yamlWarning?.(warning)
  return { path: shown, text, doc, lines, warnings, duplicateKeys: duplicates.map(({ key, node }) => ({ key, ...lines.linePos(node.range?.[0] ?? 0) })) }
}

let yamlWarning: ((message: string) => void) | undefined

/** What ansible's DUPLICATE_YAML_DICT_KEY (ansible.cfg `[defaults] duplicate_dict_key`) says to do with a key given twice. */
export type DuplicateKeys = 'warn' | 'error' | 'ignore'

let duplicateKeys: DuplicateKeys = 'warn'

/** Warn about (ansible's default), refuse, or silently accept keys given twice in files parsed from now on. */
export function onDuplicateYamlKeys(mode: DuplicateKeys): void {
  if (mode !== duplicateKeys) parsedFiles.clear()
  duplicateKeys = mode
}

/**
 * Where the warnings of files parsed from now on go (a key given twice), as ansible prints them while it reads a
 * file; undefined to stop. A file is parsed once per run (loadYaml keeps it), so each warning comes once, as in ansible;
 * `fresh` starts a new run, which reads its files afresh (and warns again).
 */
export function onYamlWarning(listener: ((message: string) => void) | undefined, fresh = false): void {
  if (fresh) parsedFiles.clear()
  yamlWarning = listener
}

// Ansible's `!unsafe`: the text is used as it is, never templated (a scalar, as ansible reads it: `!unsafe 1` is '1').
const UNSAFE_TAG = { tag: '!unsafe', resolve: (text: string) => new UnsafeText(text) }

/**
 * Read and parse a YAML file; see parseYaml. A file read again with the same text (a role applied twice, a task
 * file included for every host) is not parsed again: its SourceFile is shared, which is safe because nothing
 * changes a parsed file. A file rewritten meanwhile (a play may generate what it includes) is parsed afresh.
 */
export function loadYaml(path: string): SourceFile {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw new PlaybookError(`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: displayPath(path), line: 1, col: 1 })
  }
  const text = decodeUtf8(bytes, displayPath(path))
  const known = parsedFiles.get(path)
  if (known?.text === text && known.path === displayPath(path)) return known
  const parsed = parseYaml(decryptedFile(text, displayPath(path)), path)
  parsedFiles.set(path, parsed)
  return parsed
}

const parsedFiles = new Map<string, SourceFile>()

/** The text of a file, refused with its position when it is not UTF-8 (ansible-core stops with a traceback there). */
export function decodeUtf8(bytes: Buffer, shown: string): string {
  const bad = firstInvalidUtf8(bytes)
  if (bad === undefined) return bytes.toString('utf8')
  const before = bytes.subarray(0, bad)
  const line = before.filter((b) => b === 0x0a).length + 1
  const lineStart = before.lastIndexOf(0x0a) + 1
  const col = bytes.subarray(lineStart, bad).toString('utf8').length + 1
  const excerpt = bytes.subarray(lineStart, bytes.indexOf(0x0a, bad) < 0 ? bytes.length : bytes.indexOf(0x0a, bad)).toString('utf8').replace(/[^\t\x20-\x7e\xa0-\ufffc]/gu, '?')
  throw new PlaybookError(`invalid utf-8 byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} (a binary file, or text in another encoding)`, { file: shown, line, col }, excerpt)
}

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
