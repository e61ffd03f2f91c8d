import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { joinPath, unfrackPath, type PathContext } from './python-path.js'

/** Where ansible looks for its one configuration file after ANSIBLE_CONFIG, the cwd and the home folder. */
export const SYSTEM_CONFIG_FILE = '/etc/ansible/ansible.cfg'

/** The file ansible would read (undefined when none) and the warning it prints on the way, if any. */
export interface FoundConfig {
  readonly file: string | undefined
  readonly warnings: readonly string[]
}

/**
 * ansible's `find_ini_config_file`: the first existing, readable one of ANSIBLE_CONFIG (a file, or a folder holding
 * ansible.cfg), ./ansible.cfg unless the cwd is world-writable, ~/.ansible.cfg and /etc/ansible/ansible.cfg.
 */
export function findConfigFile(context: PathContext, systemFile: string = SYSTEM_CONFIG_FILE): FoundConfig {
  const candidates: string[] = []
  const fromEnv = context.env['ANSIBLE_CONFIG']
  let envPath: string | undefined
  if (fromEnv !== undefined) {
    envPath = unfrackPath(fromEnv, context)
    if (isDirectory(envPath)) envPath = joinPath(envPath, 'ansible.cfg')
    candidates.push(envPath)
  }
  // a world-writable cwd could hold anybody's ansible.cfg: ansible skips it, and says so when one is there
  let skippedPublicCwd = false
  const cwdFile = joinPath(context.cwd, 'ansible.cfg')
  try {
    if ((statSync(context.cwd).mode & 0o002) !== 0) skippedPublicCwd = existsSync(cwdFile)
    else candidates.push(cwdFile)
  } catch {
    // an unreadable cwd is simply not a source, as in ansible
  }
  candidates.push(unfrackPath('~/.ansible.cfg', context), systemFile)
  const file = candidates.find(isReadable)
  const warnings: string[] = []
  if (skippedPublicCwd && (envPath === undefined || file !== envPath)) {
    warnings.push(`Ansible is being run in a world writable directory (${context.cwd}), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir`)
  }
  return { file, warnings }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK)
    return existsSync(path)
  } catch {
    return false
  }
}
