import { spawnSync } from 'node:child_process'

/** What Python's configparser, configured as ansible-core 2.14 configures it, made of a text: options or the error line. */
export type PythonIni =
  | { readonly defaults: Record<string, string>; readonly sections: Record<string, Record<string, string>> }
  | { readonly error: string; readonly line: number }

// The reference itself: the python3 ansible runs on, reading each text as ansible's ConfigManager does.
const SCRIPT = String.raw`
import configparser, json, sys
results = []
for text in json.load(sys.stdin):
    p = configparser.ConfigParser(inline_comment_prefixes=(';',))
    try:
        p.read_string(text)
    except configparser.MissingSectionHeaderError as e:
        results.append({'error': 'MissingSectionHeaderError', 'line': e.lineno}); continue
    except configparser.ParsingError as e:
        results.append({'error': 'ParsingError', 'line': e.errors[0][0]}); continue
    except (configparser.DuplicateSectionError, configparser.DuplicateOptionError) as e:
        results.append({'error': type(e).__name__, 'line': e.lineno}); continue
    results.append({'defaults': dict(p.defaults()), 'sections': {s: dict(p.items(s, raw=True)) for s in p.sections()}})
print(json.dumps(results))
`

/** Parses every text with /usr/bin/python3's configparser in one run. */
export function pythonConfigparser(texts: readonly string[]): PythonIni[] {
  const run = spawnSync('/usr/bin/python3', ['-c', SCRIPT], { input: JSON.stringify(texts), encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as PythonIni[]
}
