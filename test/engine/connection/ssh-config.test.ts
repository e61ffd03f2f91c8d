import { homedir, userInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { optionsFromArgs, parseJump, resolveTarget, splitArgs } from '../../../engine/connection/ssh-config.js'

const config = `
Host bastion
  HostName 192.0.2.1
  User jump
Host web*
  HostName %h.internal
  User deploy
  Port 2200
  IdentityFile ~/.ssh/web_key
  ProxyJump bastion
Host *
  StrictHostKeyChecking accept-new
  IdentityFile ~/.ssh/all_key
`

describe('ssh target resolution', () => {
  it('takes defaults from ssh_config, first value wins, identity files accumulate', () => {
    const t = resolveTarget({ host: 'web1' }, [config])
    expect(t).toMatchObject({
      alias: 'web1', hostName: 'web1.internal', user: 'deploy', port: 2200,
      identityFiles: [`${homedir()}/.ssh/web_key`, `${homedir()}/.ssh/all_key`],
      proxyJump: ['bastion'], strictHostKeyChecking: 'accept-new', knownHostsFiles: [`${homedir()}/.ssh/known_hosts`],
    })
  })

  it('lets inventory values and ssh arguments win over ssh_config', () => {
    const args = splitArgs(`-o 'UserKnownHostsFile=/tmp/kh /tmp/kh2' -o StrictHostKeyChecking=no -J root@b:2022 -o "ConnectTimeout 3"`)
    const t = resolveTarget({ host: 'web1', user: 'root', port: 22, keyFile: '/k', args }, [config])
    expect(t).toMatchObject({
      user: 'root', port: 22, identityFiles: ['/k', `${homedir()}/.ssh/web_key`, `${homedir()}/.ssh/all_key`],
      proxyJump: ['root@b:2022'], strictHostKeyChecking: 'no', knownHostsFiles: ['/tmp/kh', '/tmp/kh2'], connectTimeout: 3,
    })
  })

  it('reads IdentitiesOnly and IdentityAgent', () => {
    const t = resolveTarget({ host: 'h', args: ['-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=~/agent.sock'] }, [])
    expect(t).toMatchObject({ identitiesOnly: true, identityAgent: `${homedir()}/agent.sock` })
    expect(resolveTarget({ host: 'h' }, [])).toMatchObject({ identitiesOnly: false, identityAgent: undefined })
  })

  it('falls back to the local user, port 22 and OpenSSH ask', () => {
    expect(resolveTarget({ host: '10.0.0.5' }, [])).toMatchObject({ hostName: '10.0.0.5', user: userInfo().username, port: 22, identityFiles: [], strictHostKeyChecking: 'ask' })
    expect(resolveTarget({ host: 'x', args: ['-o', 'ProxyJump=none'] }, [config]).proxyJump).toEqual([])
    expect(resolveTarget({ host: 'x', args: splitArgs(`-o ProxyCommand='ssh -W %h:%p b'`) }, []).proxyCommand).toBe('ssh -W %h:%p b')
  })

  it('splits arguments as shlex does', () => {
    expect(splitArgs(`-o ProxyCommand="ssh -W %h:%p q" -o 'A=b c' x\\ y ""`)).toEqual(['-o', 'ProxyCommand=ssh -W %h:%p q', '-o', 'A=b c', 'x y', ''])
    expect(() => splitArgs(`-o 'open`)).toThrow(`cannot split ssh arguments "-o 'open": no closing quotation`)
  })

  it('reads -o in both spellings and the short flags', () => {
    expect(Object.fromEntries(optionsFromArgs(['-oPort=2', '-o', 'User x', '-i', 'k1', '-ik2', '-l', 'u']))).toEqual({ port: ['2'], user: ['x'], identityfile: ['k1', 'k2'] })
  })

  it('parses jump host specs', () => {
    expect(parseJump('a')).toEqual({ host: 'a' })
    expect(parseJump('me@a:2022')).toEqual({ host: 'a', user: 'me', port: 2022 })
    expect(parseJump('[::1]:22')).toEqual({ host: '::1', port: 22 })
  })
})
