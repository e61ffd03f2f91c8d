// dnf `@group` names: dnf 4.14's `--assumeno` previews (captured on a bookworm lab host with Debian's dnf and a
// comps.xml repository) read into package changes, and the plan and results Ansible's dnf module gives.
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { dnf } from '../../modules/dnf.js'
import { groupProbe, parseGroupProbe, parsePreview } from '../../modules/lib/dnf-groups.js'
import { makeContext } from '../helpers/module-context.js'

const INSTALL = `Last metadata expiration check: 0:01:36 ago on Sun Nov 22 10:31:09 2026.
Dependencies resolved.
================================================================================
 Package            Architecture      Version            Repository        Size
================================================================================
Installing group/module packages:
 tsgrp-a            noarch            1.0-1              tsgrp            5.9 k
 tsgrp-b            noarch            1.0-1              tsgrp            5.9 k
Installing Groups:
 Tsdiff Group                                                                  

Transaction Summary
================================================================================
Install  2 Packages

Total size: 12 k
Installed size: 8  
Operation aborted.
`
const NOTHING = ` Package           Architecture     Version             Repository         Size
================================================================================
Installing Groups:
 Tsdiff Group                                                                  

Transaction Summary
================================================================================

Operation aborted.
`
const REMOVE = `Removing:
 tsgrp-a            noarch            1.0-1             @tsgrp              4  
 tsgrp-b            noarch            1.0-1             @tsgrp              4  
Removing Groups:
 Tsdiff Group                                                                  

Transaction Summary
`

const emptyRpm = { manager: '/usr/bin/dnf', installed: new Map(), files: new Map() }
const plan = (args: Record<string, unknown>, probe: string, check = false) =>
  dnf.plan(dnf.args.parse(args), { ...emptyRpm, groups: parseGroupProbe(probe) }, makeContext({ conn: connectLocal('x'), check }))

describe('dnf group previews', () => {
  it('reads the packages a group would install or remove, not the group rows', () => {
    expect(parsePreview(INSTALL, 'tsdiff-group').map((c) => c.summary)).toEqual(['install tsgrp-a 1.0-1 (group tsdiff-group)', 'install tsgrp-b 1.0-1 (group tsdiff-group)'])
    expect(parsePreview(NOTHING, 'tsdiff-group')).toEqual([])
    expect(parsePreview(REMOVE, 'tsdiff-group')).toEqual([expect.objectContaining({ kind: 'remove', name: 'tsgrp-a', arch: 'noarch', from: '1.0-1' }), expect.objectContaining({ kind: 'remove', name: 'tsgrp-b' })])
  })

  it('takes an upgrade\'s installed version from the rpm lines after the preview', () => {
    const upgrade = 'Upgrading:\n tsgrp-a            noarch            1.1-1              tsgrp            5.9 k\nUpgrading Groups:\n Tsdiff Group\n\n@old tsgrp-a 1.0-1\n'
    expect(parsePreview(upgrade, 'g')).toEqual([expect.objectContaining({ kind: 'upgrade', name: 'tsgrp-a', from: '1.0-1', to: '1.1-1', summary: 'upgrade tsgrp-a 1.0-1 → 1.1-1 (group g)' })])
    expect(plan({ name: '@g', state: 'latest' }, `@group g\n@id g\n@op upgrade\n${upgrade}`).values).toMatchObject({ results: ['Group g upgraded.', 'Installed: tsgrp-a-1.1-1.noarch', 'Removed: tsgrp-a-1.0-1.noarch'] })
  })

  it('plans and reports as Ansible: the group line, then the packages; nothing to do when the preview is empty', () => {
    const installed = plan({ name: '@Tsdiff Group' }, `@group Tsdiff Group\n@id tsdiff-group\n@op install\n${INSTALL}`, true)
    expect(installed.changes.map((c) => c.summary)).toEqual(['install tsgrp-a 1.0-1 (group tsdiff-group)', 'install tsgrp-b 1.0-1 (group tsdiff-group)'])
    expect(installed.values).toEqual({ rc: 0, msg: 'Check mode: No changes made, but would have if not in check mode', results: ['Group tsdiff-group installed.', 'Installed: tsgrp-a-1.0-1.noarch', 'Installed: tsgrp-b-1.0-1.noarch'] })
    expect(plan({ name: '@tsdiff-group', state: 'latest' }, `@group tsdiff-group\n@id tsdiff-group\n@op upgrade\n${NOTHING.replace('Installing', 'Upgrading')}`)).toMatchObject({ changes: [], values: { msg: 'Nothing to do', results: ['Group tsdiff-group upgraded.'] } })
    expect(plan({ name: '@tsdiff-group', state: 'absent' }, `@group tsdiff-group\n@id tsdiff-group\n@op remove\n${REMOVE}`).values).toMatchObject({ results: ['Removed: tsgrp-a-1.0-1.noarch', 'Removed: tsgrp-b-1.0-1.noarch'] })
  })

  it('fails as Ansible for a group no repository has', () => {
    expect(() => plan({ name: ['@nope', 'hello'] }, '@group nope\n@id \n')).toThrow('No group nope available.')
  })

  it('passes the pattern to dnf as one word after --, never as shell code', () => {
    const script = groupProbe(["x'; touch pwned; '", '-rf'], ['--releasever=1'], 'latest')
    expect(script).toContain(`group info -v -- 'x'\\''; touch pwned; '\\''' 2>/dev/null`)
    expect(script).toContain("--assumeno group upgrade -- '-rf' 2>&1")
  })
})
