import { type Command, raw, sh } from '../../engine/connection/index.js'
import { splitSections } from './getent.js'

/** The user module's key arguments, as Ansible names them. */
export interface SshKeyArgs {
  readonly name: string
  readonly ssh_key_bits: number
  readonly ssh_key_type: string
  readonly ssh_key_file?: string | undefined
  readonly ssh_key_comment?: string | undefined
  readonly ssh_key_passphrase?: string | undefined
  readonly force: boolean
}

/** What the host has at the key's path: where it is, whether the key and its .pub exist, and what they say. */
export interface SshKeyState {
  readonly path: string
  /** False when the path is relative to a home directory that does not exist. */
  readonly homeExists: boolean
  readonly key: boolean
  readonly pub: boolean
  /** `ssh-keygen -l` of the key (its error when that fails), '' without a key: Ansible's `ssh_fingerprint`. */
  readonly fingerprint: string
  readonly publicKey: string | null
}

/** Ansible's default key file: `.ssh/id_TYPE` under the user's home. */
const keyFile = (a: SshKeyArgs): string => a.ssh_key_file ?? `.ssh/id_${a.ssh_key_type}`

/** Shell that sets `$f` to the key's path and `$h` to the home it is relative to ('' for an absolute path). */
function locate(a: SshKeyArgs): Command {
  const file = keyFile(a)
  return file.startsWith('/') ? sh`h=; f=${file}` : sh`h=$(getent passwd -- ${a.name} | cut -d: -f6); f="$h"/${file}`
}

/** Shell printing the fingerprint (or ssh-keygen's complaint) and the public key, as sections. */
const REPORT = sh`echo --tsplay-sshfp--
if [ -e "$f" ]; then ssh-keygen -l -f "$f" 2>/dev/null || ssh-keygen -l -f "$f" 2>&1 >/dev/null; fi
echo --tsplay-sshpub--
cat -- "$f.pub" 2>/dev/null || echo @tsplay-nopub@`

/** The gather part: sections `sshkey` (path, home, key, pub), `sshfp` and `sshpub`. */
export function sshKeyProbe(a: SshKeyArgs): Command {
  return sh`echo --tsplay-sshkey--
${raw(locate(a))}
printf '%s\n' "$f"
if [ -z "$h" ] || [ -d "$h" ]; then echo home; else echo nohome; fi
if [ -e "$f" ]; then echo key; else echo nokey; fi
if [ -e "$f.pub" ]; then echo pub; else echo nopub; fi
${raw(REPORT)}`
}

/** Read the key sections of a gather (or of the generation's report). */
export function parseSshKey(stdout: string): SshKeyState {
  const sections = splitSections(stdout)
  const [path = '', home = '', key = '', pub = ''] = (sections.get('sshkey') ?? '').split('\n')
  const publicKey = sections.get('sshpub') ?? ''
  return {
    path,
    homeExists: home === 'home',
    key: key === 'key',
    pub: pub === 'pub',
    fingerprint: (sections.get('sshfp') ?? '').trim(),
    publicKey: publicKey.includes('@tsplay-nopub@') ? null : publicKey.trim(),
  }
}

/** Whether Ansible's `ssh_key_gen` would run ssh-keygen: no key and no .pub yet, or force. */
export const needsKey = (a: SshKeyArgs, s: SshKeyState): boolean => a.force || (!s.key && !s.pub)

/**
 * Generate the key as Ansible's `ssh_key_gen`: the directory made 0700 for the user when missing, an existing
 * key replaced only with force, key and .pub given to the user; then the same report as the probe.
 */
export function sshKeyGenerate(a: SshKeyArgs): Command {
  const bits = a.ssh_key_bits > 0 ? ['-b', String(a.ssh_key_bits)] : []
  // Ansible's default comment names the host the module runs on.
  const comment = a.ssh_key_comment === undefined ? raw('"ansible-generated on $(uname -n)"') : raw(sh`${a.ssh_key_comment}`)
  // ssh-keygen takes the passphrase as -N; Ansible types it at a pty prompt instead, with the same result.
  return sh`${raw(locate(a))}
if [ -n "$h" ] && [ ! -d "$h" ]; then echo ${`User ${a.name} home directory does not exist`} >&2; exit 1; fi
u=$(getent passwd -- ${a.name} | cut -d: -f3,4)
d=$(dirname -- "$f")
if [ ! -d "$d" ]; then mkdir -m 0700 -- "$d" && chown -- "$u" "$d" || exit 1; fi
${a.force ? raw('rm -f -- "$f" "$f.pub"') : raw(':')}
ssh-keygen -q -t ${a.ssh_key_type} ${bits} -C ${comment} -f "$f" -N ${a.ssh_key_passphrase ?? ''} </dev/null >&2 || exit 1
chown -- "$u" "$f" "$f.pub" || exit 1
echo --tsplay-sshkey--
printf '%s\nhome\nkey\npub\n' "$f"
${raw(REPORT)}`
}
