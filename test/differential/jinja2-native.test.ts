// ANSIBLE_JINJA2_NATIVE=1: templates give native values as ansible-core's NativeEnvironment does ('{{ "1" }}' is 1,
// '{{ b }}{{ b }}' is 33, '{{ none }}' is None, set_fact keeps 'true' as text), on the same playbook as the
// non-native case 'lone', which must then fail where ansible fails (an int plus a str).
import { describe, expect, it } from 'vitest'
import { expectSameOutcome, LOCAL_HOSTS, runAnsible, runTsplay, type Hosts } from './harness.js'

const NATIVE: Hosts = { ...LOCAL_HOSTS, env: { ...LOCAL_HOSTS.env, ANSIBLE_JINJA2_NATIVE: '1' } }

describe('jinja2_native', () => {
  it('renders the lone-expression playbook as ansible-playbook does', async () => {
    const ansible = await runAnsible('lone', [], 'site.yml', NATIVE)
    process.env['ANSIBLE_JINJA2_NATIVE'] = '1'
    const tsplay = await runTsplay('lone', [], 'site.yml', NATIVE).finally(() => delete process.env['ANSIBLE_JINJA2_NATIVE'])
    expectSameOutcome(tsplay, ansible)
    expect(tsplay.files['types.txt']).toContain('v_str1: string=False number=True')
    expect(tsplay.code).toBe(2)
  })
})
