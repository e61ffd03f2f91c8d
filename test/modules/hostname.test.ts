import { hostname as osHostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { hostname, planHostname } from '../../modules/hostname.js'
import { makeContext } from '../helpers/module-context.js'

const plan = (args: Record<string, unknown>, current: string, permanent: string, systemd = true) => planHostname(hostname.args.parse(args), { current, permanent, systemd })

describe('hostname', () => {
  it('sets the running and the permanent name only where they differ', () => {
    expect(plan({ name: 'node1' }, 'node1', 'node1').changes).toEqual([])
    expect(plan({ name: 'node1' }, 'localhost', 'node1').changes).toEqual([{ kind: 'current', systemd: true, summary: 'set current host name localhost → node1' }])
    expect(plan({ name: 'node1.example.com', use: 'debian' }, 'a', '').changes.map((c) => [c.kind, c.systemd])).toEqual([['current', false], ['permanent', false]])
    expect(plan({ name: 'node1.example.com' }, 'a', 'a').values).toEqual({ name: 'node1.example.com', ansible_facts: { ansible_hostname: 'node1', ansible_nodename: 'node1.example.com' } })
  })

  it('refuses names that are not host names', () => {
    expect(hostname.args.safeParse({ name: '-x' }).success).toBe(false)
    expect(hostname.args.safeParse({ name: 'a b' }).success).toBe(false)
    expect(hostname.args.safeParse({ name: 'a'.repeat(65) }).success).toBe(false)
  })

  it('reads this machine in one round trip', async () => {
    const state = await hostname.gather(makeContext({ conn: connectLocal('local') }), hostname.args.parse({ name: 'x' }))
    expect(state.current).toBe(osHostname())
  })
})
