import { describe, expect, it } from 'vitest'
import { parseTimedatectl, planTimezone, timezone } from '../../modules/timezone.js'

// Captured `timedatectl status` of a Debian 12 host.
const STATUS = `               Local time: Mon 2026-12-07 16:10:00 UTC
           Universal time: Mon 2026-12-07 16:10:00 UTC
                 RTC time: n/a
                Time zone: Etc/UTC (UTC, +0000)
System clock synchronized: no
              NTP service: n/a
          RTC in local TZ: no
`
const plan = (args: Record<string, unknown>, status: string | null = STATUS, zoneExists = true) => planTimezone(timezone.args.parse(args), { status, zoneExists })

describe('timezone', () => {
  it('reads the zone and the RTC mode as community.general does', () => {
    expect(parseTimedatectl(STATUS)).toEqual({ name: 'Etc/UTC', hwclock: 'UTC' })
    expect(parseTimedatectl('Timezone: Asia/Tokyo (JST, +0900)\nRTC in local TZ: yes\n')).toEqual({ name: 'Asia/Tokyo', hwclock: 'local' })
  })

  it('sets only what differs, with the dict diff (the msg naming the commands comes from a real run only, as in ansible)', () => {
    expect(plan({ name: 'Etc/UTC' })).toEqual({ changes: [], diff: [], values: { diff: { before: { name: 'Etc/UTC' }, after: { name: 'Etc/UTC' } } } })
    const p = plan({ name: 'Asia/Tokyo', rtc: 'local' })
    expect(p.changes.map((c) => [c.kind, c.value])).toEqual([['hwclock', 'local'], ['name', 'Asia/Tokyo']])
    expect(p.values).toEqual({ diff: { before: { hwclock: 'UTC', name: 'Etc/UTC' }, after: { hwclock: 'local', name: 'Asia/Tokyo' } } })
  })

  it('fails for an unknown zone, without timedatectl, and without any argument', () => {
    expect(() => plan({ name: 'Mars/Base' }, STATUS, false)).toThrow('Error message:\ngiven timezone "Mars/Base" is not available')
    expect(() => plan({ name: 'Etc/UTC' }, null)).toThrow('timezone needs timedatectl')
    expect(timezone.args.safeParse({}).success).toBe(false)
  })
})
