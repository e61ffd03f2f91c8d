import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Make `dir/tree` for the local_follow tests: files `a` and `sub/b`, and links to a file (`la`), to a directory
 * (`ld`), to an ancestor (`sub/up`, a loop), to nothing (`dangling`) and to `dir/outside` by absolute path (`abs`).
 */
export function makeLinkTree(dir: string): void {
  mkdirSync(join(dir, 'tree/sub'), { recursive: true })
  writeFileSync(join(dir, 'tree/a'), 'a\n')
  writeFileSync(join(dir, 'tree/sub/b'), 'b\n')
  writeFileSync(join(dir, 'outside'), 'outside\n')
  symlinkSync('a', join(dir, 'tree/la'))
  symlinkSync('sub', join(dir, 'tree/ld'))
  symlinkSync('..', join(dir, 'tree/sub/up'))
  symlinkSync('nowhere', join(dir, 'tree/dangling'))
  symlinkSync(join(dir, 'outside'), join(dir, 'tree/abs'))
}
