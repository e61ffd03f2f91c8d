import { describe, expect, it } from 'vitest'
import { ConfigError, parseIni } from '../../../engine/config/index.js'
import { pythonConfigparser, type PythonIni } from './configparser.js'

// Texts that exercise each rule of configparser as ansible configures it; every one is also given to Python.
const CASES: Record<string, string> = {
  'full-line comments, inline ; only after whitespace, # never inline': '# top\n; top\n[defaults]\nforks = 5 ; five\ntimeout = 10;not a comment\nuser = bob # not a comment\n\tremote_tmp = /tmp\t; tab before\n',
  'keys lower-cased, sections kept as written': '[defaults]\nFORKS = 4\nRemote_User: ann\n[Defaults]\nforks = 9\n[ defaults ]\nforks = 8\n',
  'first delimiter wins, both = and :': '[s]\na:b = c\nd = e:f\ng=h=i\nk :   spaced   \nempty =\n',
  'values are raw, % never interpolated': '[defaults]\nfmt = %(host)s and 100%\n',
  'continuation lines, blank lines inside, comments skipped, trailing blanks dropped': '[defaults]\nssh_args = -o A=1\n  -o B=2\n\n  -o C=3\n  # comment inside\n  ; another\n\n\nnext = 1\n',
  'tab-indented continuation': '[ssh_connection]\nssh_args =\n\t-C\n\t-o ControlMaster=auto\n',
  'an indented option line needs deeper continuation': '[defaults]\n  forks = 5\n    more\n',
  'an indented header is a continuation': '[defaults]\nroles_path = a\n  [inventory]\n',
  'DEFAULT section inherited by every section': '[DEFAULT]\nforks = 3\ntimeout = 4\n[defaults]\ntimeout = 5\n[inventory]\n',
  'DEFAULT may appear twice': '[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n',
  'header with trailing text, brackets inside': '[defaults] trailing\nforks = 2\n[a]b]\nx = 1\n',
  'CRLF line endings': '[defaults]\r\nforks = 6\r\nroles_path = r1:r2 ; c\r\n',
  'no final newline': '[defaults]\nforks = 7',
  'empty text': '',
  'duplicate section': '[defaults]\nforks = 1\n[inventory]\n[defaults]\n',
  'duplicate option, any case': '[defaults]\nforks = 1\nFORKS = 2\n',
  'no section header': '\n# c\nforks = 1\n[defaults]\n',
  'a line that is not an option': '[defaults]\nforks = 1\njust words\nmore words\n',
  'empty key': '[defaults]\n= value\n',
  'byte order mark before the first header': '\ufeff[defaults]\nforks = 1\n',
  'python whitespace: \\x1c is blank, no-break space too': '[defaults]\nforks = 1\x1c\nuser =\u00a0bob\u00a0\n',
}

function ours(text: string): PythonIni {
  try {
    const ini = parseIni(text, 'ansible.cfg')
    const plain = (options: ReadonlyMap<string, { value: string }>) => Object.fromEntries([...options].map(([k, v]) => [k, v.value]))
    const sections = Object.fromEntries([...ini.sections].map(([name, options]) => {
      // configparser's section view includes the DEFAULT keys the section does not set
      const merged = new Map([...ini.defaults, ...options])
      return [name, plain(merged)]
    }))
    return { defaults: plain(ini.defaults), sections }
  } catch (error) {
    if (error instanceof ConfigError && error.location) return { error: 'error', line: error.location.line }
    throw error
  }
}

describe('parseIni against Python configparser (as ansible-core 2.14 configures it)', () => {
  const names = Object.keys(CASES)
  const python = pythonConfigparser(Object.values(CASES))
  it.each(names.map((name, i) => [name, i] as const))('%s', (name, i) => {
    const expected = python[i]!
    const actual = ours(CASES[name]!)
    if ('error' in expected) expect(actual).toEqual({ error: 'error', line: expected.line })
    else expect(actual).toEqual(expected)
  })
})

describe('parseIni', () => {
  it('remembers the line each option starts on and falls back to DEFAULT only for existing sections', () => {
    const ini = parseIni('[DEFAULT]\nforks = 3\n[defaults]\nroles_path = a\n  b\ntimeout = 1\n', 'x.cfg')
    expect(ini.get('defaults', 'roles_path')).toEqual({ value: 'a\nb', line: 4 })
    expect(ini.get('defaults', 'TIMEOUT')).toEqual({ value: '1', line: 6 })
    expect(ini.get('defaults', 'forks')).toEqual({ value: '3', line: 2 })
    expect(ini.get('privilege_escalation', 'forks')).toBeUndefined()
  })

  it('names the file, line and problem of each error', () => {
    const message = (text: string) => {
      try {
        parseIni(text, '/p/ansible.cfg')
      } catch (error) {
        return (error as Error).message
      }
      return 'no error'
    }
    expect(message('[defaults]\nforks = 1\n\nforks = 2\n')).toBe("/p/ansible.cfg:4:1: option 'forks' in section 'defaults' already exists")
    expect(message('[a]\n[a]\n')).toBe("/p/ansible.cfg:2:1: section 'a' already exists")
    expect(message('forks = 1\n')).toBe('/p/ansible.cfg:1:1: file contains no section headers: "forks = 1"')
    expect(message('[a]\nx\ny = 1\nz\n')).toBe(`/p/ansible.cfg:2:1: not a section header or 'key = value': "x" (also lines 4)`)
  })
})
