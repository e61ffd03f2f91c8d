// Ansible's own modules are packed for the target by ansible-core itself (module_common.modify_module: the module,
// the module_utils it imports and its arguments in one AnsiballZ script), in one python3 process on the controller
// kept for the run and asked over its stdin, one JSON line a module.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { TsplayError } from '../errors.js'
import { controllerPython } from '../python/index.js'
import { collectionRoots } from './find.js'

/** ansible-core is missing on the controller, or could not pack a module. */
export class AnsibleModuleError extends TsplayError {
  override readonly name: string = 'AnsibleModuleError'
}

/** What to pack: the module, its final arguments (the `_ansible_*` ones included) and the target's interpreter. */
export interface PackRequest {
  readonly name: string
  readonly path: string
  readonly args: Readonly<Record<string, unknown>>
  readonly interpreter: string
  readonly environment: Readonly<Record<string, string>>
}

const BRIDGE = String.raw`
import base64, json, sys
try:
    from ansible.executor.module_common import modify_module
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
except Exception as e:
    sys.stdout.write(json.dumps({"fatal": "%s: %s" % (type(e).__name__, e)}) + "\n")
    sys.stdout.flush()
    sys.exit(0)
_AnsibleCollectionFinder(paths=json.loads(sys.argv[1]))._install()
templar = Templar(loader=DataLoader())
sys.stdout.write(json.dumps({"ready": True}) + "\n")
sys.stdout.flush()
for line in sys.stdin:
    req = json.loads(line)
    try:
        data, style, shebang = modify_module(req["name"], req["path"], req["args"], templar,
            task_vars={"ansible_python_interpreter": req["interpreter"]}, environment=req["environment"])
        out = {"data": base64.b64encode(data).decode(), "style": style}
    except Exception as e:
        out = {"error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
`

interface Reply {
  readonly fatal?: string
  readonly ready?: boolean
  readonly data?: string
  readonly style?: string
  readonly error?: string
}

/** The packer process: started at the first non-native module of a run, ended with the run (unref'd). */
class Packer {
  private readonly child: ChildProcessWithoutNullStreams
  private readonly waiting: Array<(reply: Reply) => void> = []
  private readonly ready: Promise<void>
  private queue: Promise<unknown> = Promise.resolve()

  constructor(roots: readonly string[]) {
    this.child = spawn(controllerPython(), ['-c', BRIDGE, JSON.stringify(roots)], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.hold(false)
    let stderr = ''
    this.child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as Reply))
    const gone = new Promise<never>((_, reject) => {
      this.child.once('error', (e) => reject(new AnsibleModuleError(`cannot start python3 on the controller to pack Ansible modules: ${e.message}`)))
      this.child.once('exit', () => reject(new AnsibleModuleError(`the python3 that packs Ansible modules exited${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`)))
    })
    gone.catch(() => undefined)
    this.ready = Promise.race([this.next(), gone]).then((reply) => {
      if (reply.fatal !== undefined) throw new AnsibleModuleError(`modules tsplay has no native version of run as Ansible's own, which needs ansible-core on the controller (apt-get install ansible-core, or pip install ansible-core): ${reply.fatal}`)
    })
    this.ready.catch(() => undefined)
  }

  private next(): Promise<Reply> {
    this.hold(true)
    return new Promise((resolve) => this.waiting.push((reply) => { if (this.waiting.length === 0) this.hold(false); resolve(reply) }))
  }

  /** Keep the run alive while a reply is awaited; otherwise the idle packer must not keep tsplay from exiting. */
  private hold(waiting: boolean): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void }>) {
      if (waiting) handle.ref?.()
      else handle.unref?.()
    }
  }

  pack(request: PackRequest): Promise<Buffer> {
    const run = async (): Promise<Buffer> => {
      await this.ready
      const reply = this.next()
      this.child.stdin.write(`${JSON.stringify(request)}\n`)
      const { data, style, error } = await reply
      if (error !== undefined) throw new AnsibleModuleError(`${request.name}: ansible-core could not pack the module: ${error}`)
      if (style !== 'new') throw new AnsibleModuleError(`${request.name}: only Python modules written for AnsibleModule can run through Ansible (this one is '${String(style)}' style)`)
      return Buffer.from(data ?? '', 'base64')
    }
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }
}

let packer: Packer | undefined

/** The AnsiballZ script for one module run, packed by ansible-core on the controller. */
export function packModule(request: PackRequest, roots: readonly string[] = collectionRoots()): Promise<Buffer> {
  // one packer per run: the first module's roots are the run's (one configuration per run)
  packer ??= new Packer(roots)
  return packer.pack(request)
}
