import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node, type Tags } from 'yaml'
import { PlaybookError, type SourceLocation } from '../errors.js'
import { UnsafeText } from './unsafe.js'
import { decryptedFile, decryptVaultValues } from './vault.js'
import { VAULT_YAML_TAGS } from '../vault/index.js'

/** A parsed YAML file that still knows where every node came from. */
export interface SourceFile {
  /** Path as shown in messages: relative to the working directory when that is shorter. */
  readonly path: string
  readonly text: string
  readonly doc: Document.Parsed
  readonly lines: LineCounter
}

export type YamlPath = ReadonlyArray<string | number>

/** Path as users typed it: relative to the working directory unless that climbs out of it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') ? rel : path
}

/**
 * Parse YAML text with positions. Throws PlaybookError at the first syntax error, located.
 * YAML 1.1 booleans (`yes`/`no`/`on`/`off`) are read as Ansible reads them.
 */
export function parseYaml(text: string, path: string): SourceFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, version: '1.1', uniqueKeys: false, customTags: (tags) => [...pyyamlBooleans(tags), UNSAFE_TAG, ...VAULT_YAML_TAGS] })
  const shown = displayPath(path)
  const [first] = doc.errors
  if (first) {
    const at = lines.linePos(first.pos[0])
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new PlaybookError(`yaml syntax error: ${lowerFirst(message)}`, { file: shown, ...at }, lineOf(text, at.line))
  }
  decryptVaultValues(doc, text, lines, shown)
  return { path: shown, text, doc, lines }
}

// PyYAML (and so Ansible) reads yes/no/true/false/on/off as booleans, but not the single letters y/n that
// the yaml package's 1.1 schema also takes: `loop: [x, y]` must stay strings.
const PY_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/
const PY_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/
function pyyamlBooleans(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || !('tag' in tag) || tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !(tag.test instanceof RegExp)) return tag
    return { ...tag, test: tag.test.test('yes') ? PY_TRUE : PY_FALSE } as typeof tag
  })
}

// Ansible's `!unsafe`: the text is used as it is, never templated (a scalar, as ansible reads it: `!unsafe 1` is '1').
const UNSAFE_TAG = { tag: '!unsafe', resolve: (text: string) => new UnsafeText(text) }

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
  const parsed = parseYaml(decryptedFile(text, displayPath(path)), path)
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
