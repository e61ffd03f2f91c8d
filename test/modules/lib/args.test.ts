import { describe, expect, it } from 'vitest'
import { fileMode, stringList, yamlBool, yamlInt } from '../../../modules/lib/args.js'

describe('fileMode', () => {
  it('keeps octal and symbolic strings', () => {
    expect(fileMode.parse('0644')).toBe('0644')
    expect(fileMode.parse('u=rw,go=r')).toBe('u=rw,go=r')
  })

  it('refuses an unquoted mode, showing how YAML read it', () => {
    const decimal = fileMode.safeParse(644)
    expect(decimal.error?.issues[0]?.message).toBe("mode must be a quoted string such as '0644': YAML read this unquoted mode as the number 644 (octal 1204)")
    const octal = fileMode.safeParse(0o644)
    expect(octal.error?.issues[0]?.message).toBe("mode must be a quoted string such as '0644': YAML read this unquoted mode as the number 420 (octal 644)")
  })

  it('refuses garbage', () => {
    expect(fileMode.safeParse('rwx').success).toBe(false)
  })
})

describe('yamlBool, yamlInt, stringList', () => {
  it('reads templated booleans without turning "false" into true', () => {
    expect(yamlBool.parse('false')).toBe(false)
    expect(yamlBool.parse('Yes')).toBe(true)
    expect(yamlBool.safeParse('maybe').success).toBe(false)
  })

  it('reads integers from digits only', () => {
    expect(yamlInt.parse(' 42 ')).toBe(42)
    expect(yamlInt.safeParse('').success).toBe(false)
  })

  it('splits comma strings', () => {
    expect(stringList.parse('nginx, curl')).toEqual(['nginx', 'curl'])
  })
})
