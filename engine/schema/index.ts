// JSON Schemas (draft-07) for playbooks, task and handler files, role meta/main.yml and meta/argument_specs.yml, with
// every native module's arguments generated from its zod schema, for editors running the YAML language server.
// May import: load (the keyword sets), module (the contract), modules (the registry), errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { buildSchema, SCHEMA_KINDS, type SchemaKind, type SchemaOptions } from './build.js'
export { libraryModules, schemaCommand, schemaFileName } from './command.js'
export type { JsonSchema } from './relax.js'
