import { describe, expect, it } from 'vitest'
import { ensureType } from '../../../engine/config/index.js'
import { expandUser, expandVars, normPath } from '../../../engine/config/python-path.js'
import { pythonRepr } from '../../../engine/config/python-str.js'

const context = { env: { HOME: '/home/ann', ROLES: '/opt/roles' }, home: '/home/ann', cwd: '/work/project' }
const fromFile = { ...context, basedir: '/etc/proj' }

describe('ensureType, as ansible-core 2.14 converts settings', () => {
  it('reads booleans as ansible non-strictly: a true word or else false', () => {
    for (const word of ['y', 'YES', ' on ', '1', 'True', 't']) expect(ensureType(word, 'boolean', context)).toBe(true)
    for (const word of ['n', 'no', 'off', '0', 'false', '', 'maybe', '2']) expect(ensureType(word, 'boolean', context)).toBe(false)
    expect(ensureType(true, 'boolean', context)).toBe(true)
  })

  it("reads integers as Python's int(): blanks, sign and underscores allowed, decimals refused with Python's words", () => {
    expect(ensureType(' 7 ', 'integer', context)).toBe(7)
    expect(ensureType('+1_000', 'integer', context)).toBe(1000)
    expect(ensureType('-3', 'integer', context)).toBe(-3)
    expect(() => ensureType('7.0', 'integer', context)).toThrow("invalid literal for int() with base 10: '7.0'")
    expect(() => ensureType('', 'integer', context)).toThrow("invalid literal for int() with base 10: ''")
    expect(() => ensureType('1__0', 'integer', context)).toThrow(TypeError)
    expect(ensureType('2.5e1', 'float', context)).toBe(25)
    expect(() => ensureType('x', 'float', context)).toThrow("could not convert string to float: 'x'")
  })

  it('splits lists on commas, strips and unquotes each item; strings are unquoted once', () => {
    expect(ensureType(` a , "b,c' , 'd' ,`, 'list', context)).toEqual(['a', `"b`, `c'`, 'd', ''])
    expect(ensureType(`'bob'`, 'string', context)).toBe('bob')
    expect(ensureType(`"it's"`, 'string', context)).toBe("it's")
    expect(ensureType(`'a\\'`, 'string', context)).toBe(`'a\\'`)
    expect(ensureType(false, 'string', context)).toBe('False')
    expect(ensureType(false, 'raw', context)).toBe(false)
  })

  it('resolves paths against the config file folder, expands ~, $VAR and {{CWD}}, normalises as Python', () => {
    expect(ensureType('keys/id', 'path', fromFile)).toBe('/etc/proj/keys/id')
    expect(ensureType('keys/id', 'path', context)).toBe('/work/project/keys/id')
    expect(ensureType('~/k', 'path', fromFile)).toBe('/home/ann/k')
    expect(ensureType('$ROLES/../x/./y/', 'path', fromFile)).toBe('/opt/x/y')
    expect(ensureType('$NOPE/x', 'path', fromFile)).toBe('/etc/proj/$NOPE/x')
    expect(ensureType('{{CWD}}/inv', 'path', fromFile)).toBe('/work/project/inv')
  })

  it('splits pathspec on ":" without stripping, pathlist on "," with stripping', () => {
    expect(ensureType('roles: ~/r:/abs', 'pathspec', fromFile)).toEqual(['/etc/proj/roles', '/etc/proj/ ~/r', '/abs'])
    expect(ensureType('hosts, ~/inv ,a:b', 'pathlist', fromFile)).toEqual(['/etc/proj/hosts', '/home/ann/inv', '/etc/proj/a:b'])
    expect(ensureType('', 'pathspec', context)).toEqual(['/work/project'])
  })
})

describe('Python path and repr helpers', () => {
  it('normalise, expand and quote as posixpath and repr do', () => {
    expect(normPath('//a//b/../c/')).toBe('//a/c')
    expect(normPath('///a/..')).toBe('/')
    expect(normPath('../a/../..')).toBe('../..')
    expect(normPath('')).toBe('.')
    expect(expandVars('${A}x$B-$', { A: '1', B: '2' })).toBe('1x2-$')
    expect(expandUser('~', '/home/ann/')).toBe('/home/ann')
    expect(expandUser('~root/x', '/h')).toBe('/root/x')
    expect(expandUser('~no-such-user-here/x', '/h')).toBe('~no-such-user-here/x')
    expect(pythonRepr("it's")).toBe(`"it's"`)
    expect(pythonRepr(`a'b"c\\\n`)).toBe(`'a\\'b"c\\\\\\n'`)
  })
})
