import { describe, expect, it } from 'vitest'
import { ModuleError } from '../../engine/errors.js'
import { managerOrder, package_facts, parseApt, parseRpm, planPackageFacts } from '../../modules/package_facts.js'

// Captured shapes of `dpkg --print-architecture`, `dpkg-query -W -f …`, `apt-cache policy` and `apt-cache policy NAMES`.
const APT = `--tsplay-arch--
amd64
--tsplay-dpkg--
ii \tbash\t5.2.15-2+b8\tamd64\tshells
ii \tlibc6\t2.36-9+deb12u4\tamd64\tlibs
ii \tlibfoo\t1.0\ti386\t
rc \told\t0.1\tamd64\tutils
ii \ttzdata\t2024a-0+deb12u1\tall\tlocalization
--tsplay-files--
Package files:
 100 /var/lib/dpkg/status
     release a=now
 500 http://10.231.0.1:3142/debian bookworm/main amd64 Packages
     release v=12.5,o=Debian,a=stable,n=bookworm,l=Debian,c=main,b=amd64
     origin 10.231.0.1
 500 http://10.231.0.1:3142/debian-security bookworm-security/main amd64 Packages
     release v=12,o=Debian Security,a=stable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64
     origin 10.231.0.1
Pinned packages:
--tsplay-policy--
bash:
  Installed: 5.2.15-2+b8
  Candidate: 5.2.15-2+b13
  Version table:
     5.2.15-2+b13 500
        500 http://10.231.0.1:3142/debian bookworm/main amd64 Packages
 *** 5.2.15-2+b8 100
        100 /var/lib/dpkg/status
libc6:
  Installed: 2.36-9+deb12u4
  Candidate: 2.36-9+deb12u4
  Version table:
 *** 2.36-9+deb12u4 500
        500 http://10.231.0.1:3142/debian-security bookworm-security/main amd64 Packages
        500 http://10.231.0.1:3142/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
libfoo:i386:
  Installed: 1.0
  Candidate: 1.0
  Version table:
 *** 1.0 100
        100 /var/lib/dpkg/status
--tsplay-sections--
Package: tzdata
Version: 2024a-0+deb12u1
Section: misc
Architecture: all
Package: tzdata
Version: 2024a-0+deb12u1
Section: localization
Architecture: all
`

describe('package_facts', () => {
  it('lists installed dpkg packages as apt names them, with section and the origin of the first archive of the installed version', () => {
    const facts = parseApt(APT)
    expect(Object.keys(facts)).toEqual(['bash', 'libc6', 'libfoo:i386', 'tzdata'])
    expect(facts['bash']).toEqual([{ name: 'bash', version: '5.2.15-2+b8', arch: 'amd64', category: 'shells', origin: '', source: 'apt' }])
    expect(facts['libc6']![0]!['origin']).toBe('Debian Security')
    expect(facts['libfoo:i386']![0]).toMatchObject({ name: 'libfoo:i386', arch: 'i386', category: null })
    // the archive's section (an override) wins over the one dpkg recorded, as in python-apt
    expect(facts['tzdata']![0]!['category']).toBe('misc')
  })

  it('lists rpm packages with a numeric or null epoch', () => {
    expect(parseRpm('bash\t5.1.8\t6.el9\t(none)\tx86_64\ngpg-pubkey\tfd431d51\t4ae0493b\t(none)\t(none)\nperl-Foo\t1.0\t1\t4\tnoarch\nperl-Foo\t1.0\t1\t4\ti686\n')).toEqual({
      bash: [{ name: 'bash', version: '5.1.8', release: '6.el9', epoch: null, arch: 'x86_64', source: 'rpm' }],
      'gpg-pubkey': [{ name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b', epoch: null, arch: null, source: 'rpm' }],
      'perl-Foo': [
        { name: 'perl-Foo', version: '1.0', release: '1', epoch: 4, arch: 'noarch', source: 'rpm' },
        { name: 'perl-Foo', version: '1.0', release: '1', epoch: 4, arch: 'i686', source: 'rpm' },
      ],
    })
  })

  it('takes the first usable manager with strategy first, every one with all, and fails as ansible when none is usable', () => {
    const a = (args: Record<string, unknown>) => package_facts.args.parse(args)
    expect(managerOrder(a({}))).toEqual(['apt', 'rpm'])
    expect(managerOrder(a({ manager: 'rpm,auto' }))).toEqual(['rpm', 'apt'])
    const both = { apt: APT, rpm: 'bash\t5.1.8\t6.el9\t(none)\tx86_64\n' }
    expect((planPackageFacts(a({}), both).values.ansible_facts.packages['bash']![0]!)['source']).toBe('apt')
    expect((planPackageFacts(a({ strategy: 'all' }), both).values.ansible_facts.packages['bash']![0]!)['source']).toBe('rpm')
    expect(() => planPackageFacts(a({ manager: 'rpm' }), { rpm: null })).toThrow(new ModuleError("Could not detect a supported package manager from the following list: ['rpm'], or the required Python library is not installed. Check warnings for details."))
    expect(package_facts.args.safeParse({ manager: 'pacman' }).success).toBe(false)
  })
})
