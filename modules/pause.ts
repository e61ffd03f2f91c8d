// - pause:
//     seconds: 30
//     prompt: "waiting for the API server to settle"
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import { defineModule } from '../engine/module.js'
import { yamlBool, yamlNumber } from './lib/args.js'

const args = z
  .object({
    seconds: yamlNumber.optional().describe('Seconds to wait'),
    minutes: yamlNumber.optional().describe('Minutes to wait'),
    prompt: z.string().optional().describe('Text shown while waiting; tsplay never reads an answer (runs are non-interactive)'),
    echo: yamlBool.default(true).describe('Accepted for compatibility'),
  })
  .strict()

interface Waited {
  readonly start: Date
  readonly stop: Date
  readonly seconds: number
}

/** Waits a while, as Ansible's `pause` with seconds/minutes; runs once, for the first host. Differs: never waits for keyboard input. */
export const pause = defineModule({
  name: 'pause',
  args,
  description: 'Wait for a number of seconds or minutes (Ansible pause); tsplay never prompts for input',
  example: 'pause:\n  seconds: 10',
  // The waiting is the whole effect and changes nothing on the host, so it happens while gathering, in check mode too.
  gather: async (ctx, a): Promise<Waited> => {
    const seconds = (a.seconds ?? 0) + (a.minutes ?? 0) * 60
    const start = new Date()
    if (a.prompt !== undefined) ctx.log(a.prompt)
    if (seconds > 0) await sleep(seconds * 1000)
    return { start, stop: new Date(), seconds }
  },
  plan: (a, s) => ({
    changes: [],
    values: { rc: 0, stderr: '', stdout: `Paused for ${s.seconds.toFixed(2)} seconds`, start: stamp(s.start), stop: stamp(s.stop), delta: Math.round((s.stop.getTime() - s.start.getTime()) / 1000), echo: a.echo, user_input: '' },
  }),
  apply: () => Promise.resolve(),
})

const stamp = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '')
