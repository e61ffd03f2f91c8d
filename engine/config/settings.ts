import type { SettingType } from './convert.js'

/** Why and since when ansible warns about a setting being used at all. */
export interface Deprecation {
  readonly why: string
  readonly alternatives: string
  readonly version: string
}

/**
 * One setting as ansible-core 2.14 defines it (lib/ansible/config/base.yml, or a plugin's DOCUMENTATION): its type,
 * default, environment variables and `section.key` ini entries, each list from low to high precedence (the last
 * one set wins). A default may start with `{{ANSIBLE_HOME}}`, ansible's templated default, replaced by that setting.
 * `vars` are the inventory/play variables that override it at run time, for the code that applies it per host.
 */
export interface SettingDef {
  readonly type: SettingType
  readonly default: boolean | number | string | readonly string[] | null
  readonly env: readonly string[]
  readonly ini: readonly string[]
  readonly vars?: readonly string[]
  readonly choices?: readonly string[]
  readonly deprecated?: Deprecation
}

const MODULE_DEFAULTS: Deprecation = {
  why: 'the module_defaults keyword is a more generic version and can apply to all calls to the M(ansible.builtin.gather_facts) or M(ansible.builtin.setup) actions',
  alternatives: 'module_defaults',
  version: '2.18',
}

/** ansible's own settings tsplay has a meaning for, named as in base.yml; `ansible-config dump` lists them. */
export const BASE_SETTINGS = {
  ANSIBLE_HOME: { type: 'path', default: '~/.ansible', env: ['ANSIBLE_HOME'], ini: ['defaults.home'] },
  DEFAULT_ROLES_PATH: { type: 'pathspec', default: '{{ANSIBLE_HOME}}/roles:/usr/share/ansible/roles:/etc/ansible/roles', env: ['ANSIBLE_ROLES_PATH'], ini: ['defaults.roles_path'] },
  COLLECTIONS_PATHS: { type: 'pathspec', default: '{{ANSIBLE_HOME}}/collections:/usr/share/ansible/collections', env: ['ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_COLLECTIONS_PATH'], ini: ['defaults.collections_paths', 'defaults.collections_path'] },
  COLLECTIONS_SCAN_SYS_PATH: { type: 'boolean', default: true, env: ['ANSIBLE_COLLECTIONS_SCAN_SYS_PATH'], ini: ['defaults.collections_scan_sys_path'] },
  COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH: { type: 'string', default: 'warning', env: ['ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH'], ini: ['defaults.collections_on_ansible_version_mismatch'], choices: ['error', 'warning', 'ignore'] },
  DEFAULT_HOST_LIST: { type: 'pathlist', default: '/etc/ansible/hosts', env: ['ANSIBLE_INVENTORY'], ini: ['defaults.inventory'] },
  DEFAULT_MODULE_PATH: { type: 'pathspec', default: '{{ANSIBLE_HOME}}/plugins/modules:/usr/share/ansible/plugins/modules', env: ['ANSIBLE_LIBRARY'], ini: ['defaults.library'] },
  DEFAULT_FILTER_PLUGIN_PATH: { type: 'pathspec', default: '{{ANSIBLE_HOME}}/plugins/filter:/usr/share/ansible/plugins/filter', env: ['ANSIBLE_FILTER_PLUGINS'], ini: ['defaults.filter_plugins'] },
  DEFAULT_LOOKUP_PLUGIN_PATH: { type: 'pathspec', default: '{{ANSIBLE_HOME}}/plugins/lookup:/usr/share/ansible/plugins/lookup', env: ['ANSIBLE_LOOKUP_PLUGINS'], ini: ['defaults.lookup_plugins'] },
  DEFAULT_TEST_PLUGIN_PATH: { type: 'pathspec', default: '{{ANSIBLE_HOME}}/plugins/test:/usr/share/ansible/plugins/test', env: ['ANSIBLE_TEST_PLUGINS'], ini: ['defaults.test_plugins'] },
  DEFAULT_REMOTE_USER: { type: 'string', default: null, env: ['ANSIBLE_REMOTE_USER'], ini: ['defaults.remote_user'] },
  DEFAULT_REMOTE_PORT: { type: 'integer', default: null, env: ['ANSIBLE_REMOTE_PORT'], ini: ['defaults.remote_port'] },
  DEFAULT_PRIVATE_KEY_FILE: { type: 'path', default: null, env: ['ANSIBLE_PRIVATE_KEY_FILE'], ini: ['defaults.private_key_file'] },
  DEFAULT_TRANSPORT: { type: 'string', default: 'smart', env: ['ANSIBLE_TRANSPORT'], ini: ['defaults.transport'] },
  DEFAULT_TIMEOUT: { type: 'integer', default: 10, env: ['ANSIBLE_TIMEOUT'], ini: ['defaults.timeout'] },
  HOST_KEY_CHECKING: { type: 'boolean', default: true, env: ['ANSIBLE_HOST_KEY_CHECKING'], ini: ['defaults.host_key_checking'] },
  DEFAULT_FORKS: { type: 'integer', default: 5, env: ['ANSIBLE_FORKS'], ini: ['defaults.forks'] },
  DEFAULT_ASK_PASS: { type: 'boolean', default: false, env: ['ANSIBLE_ASK_PASS'], ini: ['defaults.ask_pass'] },
  DEFAULT_BECOME: { type: 'boolean', default: false, env: ['ANSIBLE_BECOME'], ini: ['privilege_escalation.become'] },
  DEFAULT_BECOME_USER: { type: 'string', default: 'root', env: ['ANSIBLE_BECOME_USER'], ini: ['privilege_escalation.become_user'] },
  DEFAULT_BECOME_METHOD: { type: 'string', default: 'sudo', env: ['ANSIBLE_BECOME_METHOD'], ini: ['privilege_escalation.become_method'] },
  DEFAULT_BECOME_ASK_PASS: { type: 'boolean', default: false, env: ['ANSIBLE_BECOME_ASK_PASS'], ini: ['privilege_escalation.become_ask_pass'] },
  DEFAULT_BECOME_EXE: { type: 'string', default: null, env: ['ANSIBLE_BECOME_EXE'], ini: ['privilege_escalation.become_exe'] },
  DEFAULT_BECOME_FLAGS: { type: 'string', default: null, env: ['ANSIBLE_BECOME_FLAGS'], ini: ['privilege_escalation.become_flags'] },
  DEFAULT_VAULT_PASSWORD_FILE: { type: 'path', default: null, env: ['ANSIBLE_VAULT_PASSWORD_FILE'], ini: ['defaults.vault_password_file'] },
  DEFAULT_VAULT_IDENTITY_LIST: { type: 'list', default: [], env: ['ANSIBLE_VAULT_IDENTITY_LIST'], ini: ['defaults.vault_identity_list'] },
  DEFAULT_VAULT_ID_MATCH: { type: 'raw', default: false, env: ['ANSIBLE_VAULT_ID_MATCH'], ini: ['defaults.vault_id_match'] },
  DEFAULT_VAULT_ENCRYPT_IDENTITY: { type: 'string', default: null, env: ['ANSIBLE_VAULT_ENCRYPT_IDENTITY'], ini: ['defaults.vault_encrypt_identity'] },
  DEFAULT_GATHERING: { type: 'string', default: 'implicit', env: ['ANSIBLE_GATHERING'], ini: ['defaults.gathering'], choices: ['implicit', 'explicit', 'smart'] },
  DEFAULT_GATHER_SUBSET: { type: 'list', default: null, env: ['ANSIBLE_GATHER_SUBSET'], ini: ['defaults.gather_subset'], deprecated: MODULE_DEFAULTS },
  DEFAULT_GATHER_TIMEOUT: { type: 'integer', default: null, env: ['ANSIBLE_GATHER_TIMEOUT'], ini: ['defaults.gather_timeout'], deprecated: MODULE_DEFAULTS },
  INJECT_FACTS_AS_VARS: { type: 'boolean', default: true, env: ['ANSIBLE_INJECT_FACT_VARS'], ini: ['defaults.inject_facts_as_vars'] },
  DUPLICATE_YAML_DICT_KEY: { type: 'string', default: 'warn', env: ['ANSIBLE_DUPLICATE_YAML_DICT_KEY'], ini: ['defaults.duplicate_dict_key'], choices: ['warn', 'error', 'ignore'] },
  DEFAULT_JINJA2_NATIVE: { type: 'boolean', default: false, env: ['ANSIBLE_JINJA2_NATIVE'], ini: ['defaults.jinja2_native'] },
  DEFAULT_HASH_BEHAVIOUR: { type: 'string', default: 'replace', env: ['ANSIBLE_HASH_BEHAVIOUR'], ini: ['defaults.hash_behaviour'], choices: ['replace', 'merge'] },
  DEFAULT_UNDEFINED_VAR_BEHAVIOR: { type: 'boolean', default: true, env: ['ANSIBLE_ERROR_ON_UNDEFINED_VARS'], ini: ['defaults.error_on_undefined_vars'] },
  DEFAULT_ALLOW_UNSAFE_LOOKUPS: { type: 'boolean', default: false, env: [], ini: ['defaults.allow_unsafe_lookups'] },
  DEFAULT_MANAGED_STR: { type: 'string', default: 'Ansible managed', env: [], ini: ['defaults.ansible_managed'] },
  DEFAULT_PRIVATE_ROLE_VARS: { type: 'boolean', default: false, env: ['ANSIBLE_PRIVATE_ROLE_VARS'], ini: ['defaults.private_role_vars'] },
  DEFAULT_KEEP_REMOTE_FILES: { type: 'boolean', default: false, env: ['ANSIBLE_KEEP_REMOTE_FILES'], ini: ['defaults.keep_remote_files'] },
  DEFAULT_LOCAL_TMP: { type: 'tmppath', default: '{{ANSIBLE_HOME}}/tmp', env: ['ANSIBLE_LOCAL_TEMP'], ini: ['defaults.local_tmp'] },
  DEFAULT_EXECUTABLE: { type: 'string', default: '/bin/sh', env: ['ANSIBLE_EXECUTABLE'], ini: ['defaults.executable'] },
  INTERPRETER_PYTHON: { type: 'string', default: 'auto', env: ['ANSIBLE_PYTHON_INTERPRETER'], ini: ['defaults.interpreter_python'], vars: ['ansible_python_interpreter'] },
  DEFAULT_NO_LOG: { type: 'boolean', default: false, env: ['ANSIBLE_NO_LOG'], ini: ['defaults.no_log'] },
  TASK_TIMEOUT: { type: 'integer', default: 0, env: ['ANSIBLE_TASK_TIMEOUT'], ini: ['defaults.task_timeout'] },
  DEFAULT_POLL_INTERVAL: { type: 'integer', default: 15, env: ['ANSIBLE_POLL_INTERVAL'], ini: ['defaults.poll_interval'] },
  DEFAULT_STRATEGY: { type: 'string', default: 'linear', env: ['ANSIBLE_STRATEGY'], ini: ['defaults.strategy'] },
  ANY_ERRORS_FATAL: { type: 'boolean', default: false, env: ['ANSIBLE_ANY_ERRORS_FATAL'], ini: ['defaults.any_errors_fatal'] },
  DEFAULT_FORCE_HANDLERS: { type: 'boolean', default: false, env: ['ANSIBLE_FORCE_HANDLERS'], ini: ['defaults.force_handlers'] },
  ERROR_ON_MISSING_HANDLER: { type: 'boolean', default: true, env: ['ANSIBLE_ERROR_ON_MISSING_HANDLER'], ini: ['defaults.error_on_missing_handler'] },
  DEFAULT_STDOUT_CALLBACK: { type: 'string', default: 'default', env: ['ANSIBLE_STDOUT_CALLBACK'], ini: ['defaults.stdout_callback'] },
  CALLBACKS_ENABLED: { type: 'list', default: [], env: ['ANSIBLE_CALLBACK_WHITELIST', 'ANSIBLE_CALLBACKS_ENABLED'], ini: ['defaults.callback_whitelist', 'defaults.callbacks_enabled'] },
  DEFAULT_LOAD_CALLBACK_PLUGINS: { type: 'boolean', default: false, env: ['ANSIBLE_LOAD_CALLBACK_PLUGINS'], ini: ['defaults.bin_ansible_callbacks'] },
  DISPLAY_SKIPPED_HOSTS: { type: 'boolean', default: true, env: ['ANSIBLE_DISPLAY_SKIPPED_HOSTS'], ini: ['defaults.display_skipped_hosts'] },
  DISPLAY_ARGS_TO_STDOUT: { type: 'boolean', default: false, env: ['ANSIBLE_DISPLAY_ARGS_TO_STDOUT'], ini: ['defaults.display_args_to_stdout'] },
  DEFAULT_VERBOSITY: { type: 'integer', default: 0, env: ['ANSIBLE_VERBOSITY'], ini: ['defaults.verbosity'] },
  DEFAULT_LOG_PATH: { type: 'path', default: null, env: ['ANSIBLE_LOG_PATH'], ini: ['defaults.log_path'] },
  ANSIBLE_FORCE_COLOR: { type: 'boolean', default: false, env: ['ANSIBLE_FORCE_COLOR'], ini: ['defaults.force_color'] },
  ANSIBLE_NOCOLOR: { type: 'boolean', default: false, env: ['ANSIBLE_NOCOLOR', 'NO_COLOR'], ini: ['defaults.nocolor'] },
  DEPRECATION_WARNINGS: { type: 'boolean', default: true, env: ['ANSIBLE_DEPRECATION_WARNINGS'], ini: ['defaults.deprecation_warnings'] },
  SYSTEM_WARNINGS: { type: 'boolean', default: true, env: ['ANSIBLE_SYSTEM_WARNINGS'], ini: ['defaults.system_warnings'] },
  ACTION_WARNINGS: { type: 'boolean', default: true, env: ['ANSIBLE_ACTION_WARNINGS'], ini: ['defaults.action_warnings'] },
  DIFF_ALWAYS: { type: 'boolean', default: false, env: ['ANSIBLE_DIFF_ALWAYS'], ini: ['diff.always'] },
  DIFF_CONTEXT: { type: 'integer', default: 3, env: ['ANSIBLE_DIFF_CONTEXT'], ini: ['diff.context'] },
  MAX_FILE_SIZE_FOR_DIFF: { type: 'integer', default: 104448, env: ['ANSIBLE_MAX_DIFF_SIZE'], ini: ['defaults.max_diff_size'] },
  INVENTORY_ENABLED: { type: 'list', default: ['host_list', 'script', 'auto', 'yaml', 'ini', 'toml'], env: ['ANSIBLE_INVENTORY_ENABLED'], ini: ['inventory.enable_plugins'] },
  HOST_PATTERN_MISMATCH: { type: 'string', default: 'warning', env: ['ANSIBLE_HOST_PATTERN_MISMATCH'], ini: ['inventory.host_pattern_mismatch'], choices: ['error', 'warning', 'ignore'] },
  INVENTORY_UNPARSED_IS_FAILED: { type: 'boolean', default: false, env: ['ANSIBLE_INVENTORY_UNPARSED_FAILED'], ini: ['inventory.unparsed_is_failed'] },
  INVENTORY_ANY_UNPARSED_IS_FAILED: { type: 'boolean', default: false, env: ['ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED'], ini: ['inventory.any_unparsed_is_failed'] },
  RETRY_FILES_ENABLED: { type: 'boolean', default: false, env: ['ANSIBLE_RETRY_FILES_ENABLED'], ini: ['defaults.retry_files_enabled'] },
  RETRY_FILES_SAVE_PATH: { type: 'path', default: null, env: ['ANSIBLE_RETRY_FILES_SAVE_PATH'], ini: ['defaults.retry_files_save_path'] },
} as const satisfies Record<string, SettingDef>
