import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../engine/template/template.js'
import { templated } from './templated.js'

// Expected values were captured from ansible-core 2.14.18 with the ansible.utils collection of
// Debian's ansible 7.7 (netaddr 0.8). A query Ansible answers with None renders as ''.
describe('ipaddr filters, as ansible.utils renders them', () => {
  it.each([
    ["{{ '10.233.0.0/18' | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | ansible.utils.ipaddr('address') }}", "10.233.0.1"],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('address') }}", "10.0.0.1"],
    ["{{ '10.0.0.0/24' | ansible.utils.ipaddr('address') }}", null],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('net') }}", null],
    ["{{ '10.0.0.0/24' | ansible.utils.ipaddr('net') }}", "10.0.0.0/24"],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('network') }}", "10.0.0.0"],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('netmask') }}", "255.255.255.0"],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('prefix') }}", 24],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('broadcast') }}", "10.0.0.255"],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('size') }}", 256],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('subnet') }}", "10.0.0.0/24"],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('host') }}", "10.0.0.1/24"],
    ["{{ '10.0.0.1' | ansible.utils.ipaddr }}", "10.0.0.1"],
    ["{{ 'foo' | ansible.utils.ipaddr }}", false],
    ["{{ '10.0.0.0/24' | ansible.utils.ipaddr(-1) }}", "10.0.0.255/24"],
    ["{{ '10.0.0.0/24' | ansible.utils.ipaddr(5) }}", "10.0.0.5/24"],
    ["{{ ['10.0.0.1', 'x', 'fe80::1'] | ansible.utils.ipaddr }}", ["10.0.0.1", "fe80::1"]],
    ["{{ ['10.0.0.1', 'fe80::1'] | ansible.utils.ipv4 }}", ["10.0.0.1"]],
    ["{{ ['10.0.0.1', 'fe80::1'] | ansible.utils.ipv6 }}", ["fe80::1"]],
    ["{{ 'fe80::1' | ansible.utils.ipwrap }}", "[fe80::1]"],
    ["{{ '10.0.0.1' | ansible.utils.ipwrap }}", "10.0.0.1"],
    ["{{ ['fe80::1', 'x', '10.0.0.1'] | ansible.utils.ipwrap }}", ["[fe80::1]", "x", "10.0.0.1"]],
    ["{{ 'fd00::/64' | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) }}", "fd00::1/64"],
    ["{{ '10.0.0.1/24' | ansible.utils.ipaddr('cidr') }}", "10.0.0.1/24"],
    ["{{ '10.0.0.1' | ansible.utils.ipaddr('address') }}", "10.0.0.1"],
    ["{{ '10.0.0.1/32' | ansible.utils.ipaddr('address') }}", "10.0.0.1"],
    ["{{ '10.0.0.1' | ansible.utils.ipaddr('prefix') }}", 32],
    ["{{ '10.0.0.5/24' | ansible.utils.ipaddr('host/prefix') }}", "10.0.0.5/24"],
    ["{{ '2001:DB8:0:0:0:0:0:1/64' | ansible.utils.ipaddr }}", "2001:db8::1/64"],
    ["{{ '2001:db8::1/64' | ansible.utils.ipaddr('network') }}", "2001:db8::"],
    ["{{ '2001:db8::1/64' | ansible.utils.ipaddr('netmask') }}", "ffff:ffff:ffff:ffff::"],
    ["{{ '::ffff:10.0.0.1' | ansible.utils.ipaddr }}", "::ffff:10.0.0.1"],
    ["{{ '10.0.0.1' | ansible.utils.ipaddr('host') }}", "10.0.0.1/32"],
    ["{{ '192.168.1.0/31' | ansible.utils.ipaddr('address') }}", "192.168.1.0"],
    ["{{ '10.0.0.300' | ansible.utils.ipaddr }}", false],
    ["{{ '10.0.0.1/33' | ansible.utils.ipaddr }}", false],
    ["{{ '10.0.0.0/24' | ipaddr('type') }}", "network"],
    ["{{ '10.0.0.0/24' | ipaddr(300) }}", false],
  ])('%s', (text, expected) => {
    expect(renderValue(text, {})).toEqual(templated(expected))
  })

  it('rejects an unknown query', () => {
    expect(() => renderValue("{{ '10.0.0.1' | ipaddr('bogus') }}", {})).toThrow('ipaddr: unknown filter type: bogus')
  })
})
