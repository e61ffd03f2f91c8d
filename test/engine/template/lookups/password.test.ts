import { readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../../engine/template/index.js'
import { ansiblePrinted, comparable, debugTasks, fixture, play, tsplayPrinted } from './compare.js'

const EXPRESSIONS = (prefix: string): string[] => [
  `lookup('password', '${prefix}/plain length=8 chars=digits')`,
  `lookup('password', '${prefix}/default')`,
  `lookup('password', '${prefix}/hashed encrypt=sha512_crypt')`,
  `lookup('password', '${prefix}/hashed256', encrypt='sha256_crypt', length=12)`,
  `lookup('password', '${prefix}/plain bogus=1')`,
]

describe('password', () => {
  it('reads the files ansible-playbook wrote, and ansible-playbook reads the ones tsplay wrote', { timeout: 240_000 }, async () => {
    const dir = fixture({ 'a.yml': play(debugTasks(EXPRESSIONS('by-ansible'))), 't.yml': play(debugTasks(EXPRESSIONS('by-tsplay'))) })
    const fromAnsible = await ansiblePrinted(dir, 'a.yml')
    const [overAnsibleFiles, fromTsplay] = await Promise.all([tsplayPrinted(dir, 'a.yml'), tsplayPrinted(dir, 't.yml')])
    const overTsplayFiles = await ansiblePrinted(dir, 't.yml')
    expect(overAnsibleFiles.map(comparable)).toEqual(fromAnsible.map(comparable))
    expect(fromTsplay.map(comparable)).toEqual(overTsplayFiles.map(comparable))
    expect(fromTsplay[0]!.msg).toMatch(/^\d{8}$/)
    expect(fromTsplay[1]!.msg).toMatch(/^[A-Za-z0-9.,:_-]{20}$/)
    expect(fromTsplay[2]!.msg).toMatch(/^\$6\$/)
    expect(fromTsplay[4]!.failed).toBe(true)
    const file = `${dir}/by-tsplay/hashed`
    expect(readFileSync(file, 'utf8')).toMatch(/^[A-Za-z0-9.,:_-]{20} salt=[A-Za-z0-9./]{16}\n$/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(`${dir}/by-tsplay`).mode & 0o777).toBe(0o700)
  })

  it('says what needs a crypt library, and never writes /dev/null', () => {
    expect(() => renderValue("{{ lookup('password', '/dev/null encrypt=bcrypt') }}", {})).toThrow('needs a crypt library')
    expect(renderValue("{{ lookup('password', '/dev/null length=5') }}", {})).toMatch(/^.{5}$/)
  })
})
