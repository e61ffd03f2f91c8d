// cron through ansible-playbook and through tsplay on the same lab host: a user's crontab (job, variable, disabled
// @reboot job), a file under /etc/cron.d written and another emptied and removed. Verdicts and --diff bodies of a
// check run, a first and a second run; the crontab and the files after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

let lab: LabHost
let conn: Connection
const RESET = sh`userdel -r tsdiffcr 2>/dev/null; useradd -m tsdiffcr; rm -f /etc/cron.d/tsdiff /etc/cron.d/tsdiff-gone /var/tmp/tsdiff-cron
printf '#Ansible: tsdiff gone\n* * * * * root /bin/true\n' > /etc/cron.d/tsdiff-gone
printf 'SHELL=/bin/sh\n5 4 * * * /bin/true\n' | crontab -u tsdiffcr -`

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FILEDIFF_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
  await conn.exec(sh`command -v crontab >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends cron >/dev/null`)
})
afterAll(async () => {
  await conn?.exec(sh`crontab -r -u tsdiffcr; userdel -r tsdiffcr; rm -f /etc/cron.d/tsdiff /etc/cron.d/tsdiff-gone; true`, { allowFailure: true })
  await conn?.close()
})

describe('differential: cron under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on the crontab, the cron.d files and the diffs, in check mode and over two runs', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: job found unmarked, cron: {name: tsdiff job, minute: '5', hour: '4', job: /bin/true, user: tsdiffcr}}
    - {name: variable, cron: {name: MAILTO, env: true, job: root, user: tsdiffcr, insertafter: SHELL}}
    - {name: disabled, cron: {name: tsdiff reboot, special_time: reboot, job: /bin/true, user: tsdiffcr, disabled: true}, register: r}
    - {name: cron_file, cron: {name: tsdiff file, cron_file: tsdiff, user: root, job: /bin/date, minute: '*/10'}}
    - {name: emptied, cron: {name: tsdiff gone, cron_file: tsdiff-gone, state: absent}}
    - {name: nothing for root, cron: {name: tsdiff root, state: absent}}
    - {name: recorded, copy: {dest: /var/tmp/tsdiff-cron, content: "{{ r.jobs }} {{ r.envs }}\\n"}}
`
    const state = sh`crontab -l -u tsdiffcr; stat -c '%n %a %U' /etc/cron.d/tsdiff && cat /etc/cron.d/tsdiff; ls /etc/cron.d/tsdiff-gone; cat /var/tmp/tsdiff-cron; true`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset: RESET, state, diff: true })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
      expect(result.ansible[3]![0]).toContain('SHELL=/bin/sh\nMAILTO="root"\n#Ansible: tsdiff job\n5 4 * * * /bin/true\n#Ansible: tsdiff reboot\n#@reboot /bin/true\n')
      expect(result.ansible[4]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...Array(7).fill(`ok: [${lab.name}]`), expect.stringMatching(/ok=7 +changed=0 /)])
    } finally {
      await conn.exec(RESET, { allowFailure: true })
    }
  })
})
