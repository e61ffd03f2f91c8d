import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { currentSelection, dpkg_selections, planSelection } from '../../modules/dpkg_selections.js'
import { makeContext } from '../helpers/module-context.js'

const plan = (args: Record<string, unknown>, output: string) => planSelection(dpkg_selections.args.parse(args), { output })

describe('dpkg_selections', () => {
  it('changes the selection only when it differs and returns before/after as ansible does', () => {
    expect(plan({ name: 'bash', selection: 'install' }, 'bash\t\t\t\t\t\tinstall\n')).toEqual({ changes: [], values: { before: 'install', after: 'install' } })
    expect(plan({ name: 'bash', selection: 'hold' }, 'bash\t\t\t\t\t\tinstall\n').changes).toEqual([{ kind: 'select', summary: 'set dpkg selection of bash install → hold' }])
    expect(plan({ name: 'nosuch', selection: 'hold' }, '').values).toEqual({ before: 'not present', after: 'hold' })
    expect(currentSelection('kubelet\thold\n')).toBe('hold')
  })

  it('takes one package name, never a second line of dpkg input', () => {
    expect(dpkg_selections.args.safeParse({ name: 'a\nb purge', selection: 'hold' }).success).toBe(false)
    expect(dpkg_selections.args.safeParse({ name: 'bash', selection: 'keep' }).success).toBe(false)
  })

  it('reads this machine, a name starting with a dash staying an operand', async () => {
    const ctx = makeContext({ conn: connectLocal('local') })
    expect(currentSelection((await dpkg_selections.gather(ctx, dpkg_selections.args.parse({ name: 'dpkg', selection: 'install' }))).output)).toBe('install')
    expect((await dpkg_selections.gather(ctx, dpkg_selections.args.parse({ name: '--help', selection: 'install' }))).output).toBe('')
  })
})
