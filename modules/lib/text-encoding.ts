import { ModuleError } from '../../engine/errors.js'

// What windows-1252 puts in bytes 0x80..0x9f (0: undefined there); every other byte is latin-1.
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
]

const SINGLE_BYTE: Record<string, (code: number) => number | undefined> = {
  latin1: (code) => (code < 0x100 ? code : undefined),
  cp1252: (code) => {
    const high = CP1252_HIGH.indexOf(code)
    if (code !== 0 && high >= 0) return 0x80 + high
    return code < 0x80 || (code >= 0xa0 && code < 0x100) ? code : undefined
  },
}

// Python's codec names (case and `-`/`_` do not matter to it either) for the encodings we write.
const ALIASES: Record<string, string> = { '': 'utf8', utf8: 'utf8', latin1: 'latin1', iso88591: 'latin1', l1: 'latin1', cp1252: 'cp1252', windows1252: 'cp1252', ascii: 'ascii', usascii: 'ascii' }

/** The output encodings a template may be written in. */
export const ENCODINGS = ['utf-8', 'latin-1', 'windows-1252', 'ascii'] as const

/** `text` in the Python codec `encoding` (strict, as ansible's template action encodes): a ModuleError when it cannot be. */
export function encodeText(text: string, encoding: string): Buffer {
  const codec = ALIASES[encoding.toLowerCase().replace(/[-_\s]/g, '')]
  if (codec === undefined) throw new ModuleError(`unknown encoding: ${encoding}`)
  if (codec === 'utf8') return Buffer.from(text, 'utf8')
  const byteOf = codec === 'ascii' ? (code: number) => (code < 0x80 ? code : undefined) : SINGLE_BYTE[codec]!
  const bytes: number[] = []
  for (const char of text) {
    const byte = byteOf(char.codePointAt(0)!)
    if (byte === undefined) throw new ModuleError(`'${codec}' codec can't encode character '${char}': ordinal not in range`)
    bytes.push(byte)
  }
  return Buffer.from(bytes)
}
