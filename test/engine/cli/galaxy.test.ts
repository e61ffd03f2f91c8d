import { describe, expect, it } from 'vitest'
import { galaxyCommand } from '../../../engine/cli/galaxy.js'

describe('galaxyCommand', () => {
  it('passes the command line to the program and returns its exit code', async () => {
    expect(await galaxyCommand(['-c', 'exit 3'], 'sh')).toBe(3)
  })

  it('says how to get ansible-galaxy when it is missing', async () => {
    await expect(galaxyCommand(['install', '-r', 'requirements.yml'], 'no-such-ansible-galaxy')).rejects.toThrow(/galaxy: no-such-ansible-galaxy not found on PATH; .*apt-get install ansible-core/)
  })
})
