import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseFacts, resolveSubset } from '../../../engine/facts/gather.js'
import { factScript, splitSections } from '../../../engine/facts/script.js'

// ansible_python and ansible_python_version come from the Python that runs ansible's setup module; tsplay's fact
// script asks the same interpreter. Compared with what `ansible -m setup` reports on this machine.
const gatherLocally = (subset: readonly string[], interpreter?: string): Record<string, unknown> => {
  const groups = resolveSubset(subset)
  const out = spawnSync('sh', ['-c', factScript(groups, interpreter)], { encoding: 'utf8' }).stdout
  return parseFacts(splitSections(out), groups)
}

const ansibleSetup = (interpreter: string): Record<string, unknown> => {
  const out = execFileSync('ansible', ['-i', 'localhost,', '-c', 'local', 'localhost', '-m', 'setup', '-a', 'filter=ansible_python*', '-e', `ansible_python_interpreter=${interpreter}`], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOAD_CALLBACK_PLUGINS: '0' },
  })
  return (JSON.parse(out.slice(out.indexOf('{'))) as { ansible_facts: Record<string, unknown> }).ansible_facts
}

describe('python facts', () => {
  const theirs = ansibleSetup('/usr/bin/python3')

  it('match ansible setup for the host interpreter', () => {
    const ours = gatherLocally(['min'], '/usr/bin/python3')
    expect(ours.python).toEqual(theirs.ansible_python)
    expect(ours.python_version).toEqual(theirs.ansible_python_version)
  })

  it('discover /usr/bin/python3 when no interpreter is set, as ansible does on current systems', () => {
    expect(gatherLocally(['min']).python).toEqual(theirs.ansible_python)
    expect(gatherLocally(['min'], 'auto_silent').python).toEqual(theirs.ansible_python)
  })

  it('run an interpreter given as a command line (a shebang), the first python3 on PATH', () => {
    const executable = execFileSync('/usr/bin/env', ['python3', '-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim()
    expect((gatherLocally(['min'], '/usr/bin/env python3').python as { executable: string }).executable).toBe(executable)
  })

  it('are absent when the interpreter does not exist, and only python_version comes with the platform subset', () => {
    expect(gatherLocally(['min'], '/nonexistent/python')).not.toHaveProperty('python')
    const platformOnly = gatherLocally(['!min', 'platform'], '/usr/bin/python3')
    expect(platformOnly).not.toHaveProperty('python')
    expect(platformOnly.python_version).toEqual(theirs.ansible_python_version)
  })
})
