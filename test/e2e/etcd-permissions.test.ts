// The etcd role on a host that is hostile to its files: /etc/etcd already exists with mode 0700 (what the HA
// e2e once found on lab1, where etcd then failed with "open /etc/etcd/pki/member-lab1.pem: permission
// denied") and root's sessions have umask 077. The member runs as user `etcd` and must still read its
// certificate and key, start, and answer over TLS; a second run changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostAddress, hostIndex } from '../../engine/lab/index.js'
import { sshCheck, sshRun } from '../lab/helpers.js'
import { changedTasks } from './run-output.js'
import { leaseFreshHosts, type LabLease } from './lab-lease.js'
import { labInventoryFor, tsplayRun, type Run } from './tsplay-run.js'

const HOST = 'lab6'
const LAB_SIZE = 6
const RUN_TIMEOUT_MS = 10 * 60_000
const PKI = '/etc/etcd/pki'
const ADDRESS = hostAddress(hostIndex(HOST)!)

describe('the etcd role where /etc/etcd is 0700 and the umask is 077', () => {
  let lease: LabLease | undefined
  let inventory = ''
  let first: Run
  let second: Run

  beforeAll(async () => {
    lease = await leaseFreshHosts([HOST], LAB_SIZE)
    await sshCheck(HOST, 'install -d -m 0700 /etc/etcd')
    // pam_umask sets the umask of every ssh session, so each command the run sends gets it
    await sshCheck(HOST, "echo 'session optional pam_umask.so umask=0077' >>/etc/pam.d/sshd")
    inventory = labInventoryFor([HOST])
    first = await tsplayRun('test/e2e/fixtures/etcd-member.yaml', inventory, [], RUN_TIMEOUT_MS)
    second = await tsplayRun('test/e2e/fixtures/etcd-member.yaml', inventory, [], RUN_TIMEOUT_MS)
  }, 2 * RUN_TIMEOUT_MS)

  // the lease re-creates the host: later lab tests expect a plain one
  afterAll(async () => {
    await lease?.release()
  }, RUN_TIMEOUT_MS)

  it('ran with the hostile preconditions in place', async () => {
    expect((await sshCheck(HOST, 'umask')).trim()).toBe('0077')
  })

  it('converges without failing', () => {
    expect(first.code, first.output.slice(-4000)).toBe(0)
    expect(first.report.recap.get(HOST)).toMatchObject({ failed: 0, unreachable: 0 })
  })

  it('leaves every directory above the certificates traversable and the key readable by etcd alone', async () => {
    const modes = await sshCheck(HOST, `stat -c '%n %a %U' /etc/etcd ${PKI} ${PKI}/member-${HOST}.pem ${PKI}/member-${HOST}-key.pem`)
    expect(modes.trim().split('\n')).toEqual([
      '/etc/etcd 755 root',
      `${PKI} 755 root`,
      `${PKI}/member-${HOST}.pem 644 etcd`,
      `${PKI}/member-${HOST}-key.pem 600 etcd`,
    ])
    expect((await sshRun(HOST, `runuser -u etcd -- cat ${PKI}/member-${HOST}-key.pem >/dev/null`)).exitCode).toBe(0)
    expect((await sshRun(HOST, `runuser -u nobody -- cat ${PKI}/member-${HOST}-key.pem >/dev/null 2>&1`)).exitCode).not.toBe(0)
  })

  it('runs the member, healthy over TLS', async () => {
    expect((await sshCheck(HOST, 'systemctl is-active etcd')).trim()).toBe('active')
    const health = await sshCheck(HOST, `ETCDCTL_API=3 etcdctl --endpoints=https://${ADDRESS}:2379 --cacert=${PKI}/ca.pem ` +
      `--cert=${PKI}/client.pem --key=${PKI}/client-key.pem endpoint health 2>&1`)
    expect(health).toMatch(/is healthy/)
  })

  it('changes nothing on a second run', () => {
    expect(second.code, second.output.slice(-4000)).toBe(0)
    expect(changedTasks(second.report, HOST)).toEqual([])
  })
})
