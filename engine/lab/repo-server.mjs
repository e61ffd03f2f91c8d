// The lab's local apt repository server: a detached process started by `tsplay lab up --repo DIR`.
// Usage: node repo-server.mjs ADDRESS PORT INDEX_DIR DEB_DIR. Index files (Packages, Packages.gz, Release)
// come from INDEX_DIR, everything else from DEB_DIR; nothing outside those two directories is served.
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { join, normalize, sep } from 'node:path'

const [address, port, indexDir, debDir] = process.argv.slice(2)
const INDEX = new Set(['Packages', 'Packages.gz', 'Release'])

function resolve(urlPath) {
  const name = normalize(decodeURIComponent(urlPath)).replace(/^[/\\]+/, '').replace(/^\.\//, '')
  if (name === '' || name.split(sep).includes('..')) return undefined
  return join(INDEX.has(name) ? indexDir : debDir, name)
}

createServer((request, response) => {
  const file = resolve(new URL(request.url ?? '/', 'http://lab').pathname)
  let size
  try {
    const stat = file === undefined ? undefined : statSync(file)
    if (stat?.isFile()) size = stat.size
  } catch {
    // missing file: 404 below
  }
  if (file === undefined || size === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
    return
  }
  response.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' })
  if (request.method === 'HEAD') response.end()
  else createReadStream(file).pipe(response)
}).listen(Number(port), address)
