// reboot against ansible-playbook on a lab host: check run (nothing happens), first and second run (the host
// really reboots each time, twice per engine), the same verdicts and the same host state after each.
import { beforeAll, describe, expect, it } from 'vitest'
import { type Command, type Connection, type ExecOptions, type ExecResult, openConnection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { labVars } from '../helpers/lab-ssh.js'
import { type LabHost, labHostNamed } from './helpers.js'

let lab: LabHost

beforeAll(() => {
  lab = labHostNamed('TSPLAY_SYSTEM_LAB_HOST', 'lab3')
})

/** Reset and state commands on a connection of their own each time: the host reboots between them. */
const freshly: Pick<Connection, 'exec'> = {
  async exec(command: Command, options?: ExecOptions): Promise<ExecResult> {
    const conn = await openConnection(lab.name, labVars(lab), { acceptNewHostKeys: false, timeoutSeconds: 30 })
    try {
      return await conn.exec(command, options)
    } finally {
      await conn.close()
    }
  },
}

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: reboot
      reboot: {reboot_timeout: 300, test_command: 'test -d /run/systemd/system'}
      register: booted
    - name: report
      debug: {msg: "{{ booted.rebooted }}"}
`

// /run is a tmpfs: the marker is gone exactly when the host rebooted
const RESET = sh`touch /run/tsdiff-marker`
const STATE = sh`if [ -e /run/tsdiff-marker ]; then echo not rebooted; else echo rebooted; fi; systemctl is-system-running --wait 2>/dev/null | sed 's/degraded/running/'; true`

describe('differential: reboot with ansible-playbook and tsplay on the same lab host', () => {
  it('agree on the verdicts and on whether the host rebooted, in check mode and over two runs', async () => {
    const { ansible: expected, tsplay: actual } = await runBothEngines({ host: lab, conn: freshly, playbook: PLAYBOOK, reset: RESET, state: STATE })
    expect(actual).toEqual(expected)
    // the check run left the host up; the real runs rebooted it
    expect(expected[1]).toEqual(['not rebooted\nrunning\n'])
    expect(expected[3]).toEqual(['rebooted\nrunning\n'])
  }, 600_000)
})
