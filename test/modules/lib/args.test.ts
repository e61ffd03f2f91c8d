import { describe, expect, it } from 'vitest'
import { fileMode, stringList, yamlBool, yamlInt } from '../../../modules/lib/args.js'

describe('fileMode', () => {
  it('keeps octal and symbolic strings', () => {
    expect(fileMode.parse('0644')).toBe('0644')
    expect(fileMode.parse('u=rw,go=r')).toBe('u=rw,go=r')
  })

  it('takes a number as the numeric mode, as ansible does (unquoted 0644 is 420, mode 0644; unquoted 644 is mode 01204)', () => {
    expect(fileMode.parse(0o644)).toBe('0644')
    expect(fileMode.parse(493)).toBe('0755')
    expect(fileMode.parse(644)).toBe('1204')
    expect(fileMode.safeParse(-1).success).toBe(false)
    expect(fileMode.safeParse(1.5).success).toBe(false)
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
