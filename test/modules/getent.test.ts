import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { ModuleError } from '../../engine/errors.js'
import { getent, parseGetent, planGetent } from '../../modules/getent.js'
import { makeContext } from '../helpers/module-context.js'

const plan = (args: Record<string, unknown>, exitCode: number, stdout = '') => planGetent(getent.args.parse(args), { exitCode, stdout })

describe('getent', () => {
  it('splits passwd-like databases on colons and others on white space, as ansible does', () => {
    expect(parseGetent('root:x:0:0:root:/root:/bin/bash\n', 'passwd')).toEqual({ root: ['x', '0', '0', 'root', '/root', '/bin/bash'] })
    expect(parseGetent('127.0.0.1       localhost\n::1   localhost ip6-localhost\n', 'hosts')).toEqual({ '127.0.0.1': ['localhost'], '::1': ['localhost', 'ip6-localhost'] })
    expect(parseGetent('a,b,c\n', 'hosts', ',')).toEqual({ a: ['b', 'c'] })
  })

  it('keeps every record of a key seen more than once as a list of lists', () => {
    expect(parseGetent('ssh 22/tcp\nssh 22/udp\nssh 22/sctp\n', 'services')).toEqual({ ssh: [['22/tcp'], ['22/udp'], ['22/sctp']] })
  })

  it('turns the exit codes into ansible messages; a missing key is null with fail_key false', () => {
    expect(plan({ database: 'passwd', key: 'nobody2', fail_key: false }, 2).values).toEqual({ ansible_facts: { getent_passwd: { nobody2: null } }, msg: 'One or more supplied key could not be found in the database.' })
    expect(() => plan({ database: 'passwd', key: 'nobody2' }, 2)).toThrow(new ModuleError('One or more supplied key could not be found in the database.'))
    expect(() => plan({ database: 'nosuchdb' }, 1)).toThrow('Missing arguments, or database unknown.')
    expect(() => plan({ database: 'shadow' }, 3)).toThrow('Enumeration not supported on this database.')
    expect(plan({ database: 'group', key: 'root' }, 0, 'root:x:0:\n')).toEqual({ changes: [], values: { ansible_facts: { getent_group: { root: ['x', '0', ''] } } } })
  })

  it('reads this machine with getent, a key starting with a dash staying an operand', async () => {
    const ctx = makeContext({ conn: connectLocal('local') })
    expect(planGetent(getent.args.parse({ database: 'passwd', key: 'root' }), await getent.gather(ctx, getent.args.parse({ database: 'passwd', key: 'root' }))).values?.ansible_facts).toMatchObject({ getent_passwd: { root: expect.arrayContaining(['x', '0']) } })
    expect((await getent.gather(ctx, getent.args.parse({ database: 'passwd', key: '--help' }))).exitCode).toBe(2)
    expect((await getent.gather(ctx, getent.args.parse({ database: 'passwd', key: 'root', service: 'files' }))).stdout).toMatch(/^root:/)
  })
})
