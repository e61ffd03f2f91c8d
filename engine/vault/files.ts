import { randomBytes } from 'node:crypto'
import { open, readFile, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { VaultError } from './errors.js'

/** Where ansible-vault's file arguments read from and write to; `-` is stdin or stdout. */
export interface VaultFileIO {
  readonly out: (data: string | Uint8Array) => void
  readonly readStdin: () => Promise<Buffer>
}

/** How to replace a file: keep the old file's mode and owner (rekey, edit) or make a new 0600 one (encrypt, decrypt). */
export interface WriteOptions {
  readonly preserveMode?: boolean
  /** Overwrite the replaced file's old bytes after the swap, as ansible shreds a plaintext it encrypts over. */
  readonly shred?: boolean
}

/** The real path of a file argument (symlinks followed, as ansible edits the target), `-` as it is. */
export async function realInputPath(path: string): Promise<string> {
  if (path === '-') return path
  try {
    return await realpath(path)
  } catch {
    return path
  }
}

/** The bytes of a file argument, or of stdin for `-`. */
export async function readInput(path: string, io: VaultFileIO): Promise<Buffer> {
  if (path === '-') return io.readStdin()
  try {
    return await readFile(path)
  } catch (error) {
    throw new VaultError(`${path}: cannot read: ${describe(error)}`)
  }
}

/**
 * Write `data` to `path` (stdout for `-`) atomically: a 0600 temporary file beside it, synced, then renamed over it,
 * so a crash leaves the old file or the new one, never half of either.
 */
export async function writeOutput(path: string, data: string | Uint8Array, io: VaultFileIO, options: WriteOptions = {}): Promise<void> {
  if (path === '-') return io.out(data)
  const before = await stat(path).catch(() => undefined)
  const temp = join(dirname(path), `.${basename(path)}.tsplay-vault-${randomBytes(6).toString('hex')}`)
  let old: FileHandle | undefined
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(data)
      if (options.preserveMode && before !== undefined) {
        await handle.chmod(before.mode & 0o7777)
        await handle.chown(before.uid, before.gid).catch(() => undefined)
      }
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (options.shred && before?.isFile() && before.nlink === 1) old = await open(path, 'r+').catch(() => undefined)
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    await old?.close()
    throw new VaultError(`${path}: cannot write: ${describe(error)}`)
  }
  if (old !== undefined) await overwrite(old, before!.size)
}

/** Overwrite a file with random bytes and remove it: the decrypted copy an editor worked on must not linger. */
export async function shredFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) return
  const handle = await open(path, 'r+').catch(() => undefined)
  if (handle !== undefined) await overwrite(handle, info.size)
  await unlink(path).catch(() => undefined)
}

const SHRED_CHUNK = 1 << 20

async function overwrite(handle: FileHandle, size: number): Promise<void> {
  try {
    for (let at = 0; at < size; at += SHRED_CHUNK) {
      const length = Math.min(size - at, SHRED_CHUNK)
      await handle.write(randomBytes(length), 0, length, at)
    }
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  return e.code ?? e.message ?? String(error)
}
