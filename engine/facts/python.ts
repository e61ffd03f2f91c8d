import { quote } from '../connection/index.js'

// ansible's setup module reports on the Python that runs it; tsplay runs no Python to gather, so the fact script
// asks the interpreter ansible would have used: the host's ansible_python_interpreter, else the first found of
// interpreter discovery's candidates (/usr/bin/python3 first: the distribution map's answer on current systems).
const CANDIDATES = ['/usr/bin/python3', 'python3.11', 'python3.10', 'python3.9', 'python3.8', 'python3.7', 'python3.6', 'python3.5', '/usr/libexec/platform-python', 'python2.7', '/usr/bin/python', 'python']

// Runs under Python 2 and 3; prints what PythonFactCollector and PlatformFactCollector (python_version) report.
const PROBE = `import sys, json, platform
try:
    from ssl import create_default_context, SSLContext
    s = True
except ImportError:
    s = False
v = sys.version_info
t = getattr(sys, 'subversion', None)
t = t[0] if t else getattr(getattr(sys, 'implementation', None), 'name', None)
print(json.dumps({'executable': sys.executable, 'has_sslcontext': s, 'type': t, 'version': {'major': v[0], 'minor': v[1], 'micro': v[2], 'releaselevel': v[3], 'serial': v[4]}, 'version_info': list(v), 'python_version': platform.python_version()}))`

/** True when `ansible_python_interpreter` asks for discovery rather than naming an interpreter. */
const discovers = (interpreter: string | undefined): boolean => interpreter === undefined || interpreter === '' || interpreter === 'auto' || interpreter.startsWith('auto_')

/**
 * The fact script's part that runs the host's Python once (section `python`, one JSON line). An interpreter
 * given as `/usr/bin/env python3` is split into words, as ansible uses it as a shebang line.
 */
export function pythonProbe(interpreter?: string): string {
  const choose = discovers(interpreter)
    ? `P=; for p in ${CANDIDATES.join(' ')}; do P=$(command -v "$p" 2>/dev/null) && break; P=; done`
    : `P=${quote(interpreter!)}`
  return `${choose}
[ -n "$P" ] && { s python; (set -f; $P -c ${quote(PROBE)} 2>/dev/null); }`
}

/** `python` (ansible's python subset) and `python_version` (its platform subset) from the probe's section. */
export function pythonFacts(s: ReadonlyMap<string, string>): { python?: Record<string, unknown>; python_version?: string } {
  const line = (s.get('python') ?? '').split('\n').find((l) => l.startsWith('{'))
  if (line === undefined) return {}
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(line) as Record<string, unknown>
  } catch {
    return {}
  }
  const { python_version: version, ...python } = parsed
  return { python, ...(typeof version === 'string' ? { python_version: version } : {}) }
}
