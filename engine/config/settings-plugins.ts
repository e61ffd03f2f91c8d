import type { SettingDef } from './settings.js'

/**
 * Plugin options tsplay has a meaning for, keyed `TYPE.PLUGIN.OPTION` (ansible's plugin type, plugin and option names):
 * the ssh connection's (section ssh_connection) and the default stdout callback's. `ansible-config dump -t TYPE PLUGIN`
 * lists them.
 */
export const PLUGIN_SETTINGS = {
  'connection.ssh.host_key_checking': { type: 'boolean', default: true, env: ['ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_SSH_HOST_KEY_CHECKING'], ini: ['defaults.host_key_checking', 'ssh_connection.host_key_checking'], vars: ['ansible_host_key_checking', 'ansible_ssh_host_key_checking'] },
  'connection.ssh.ssh_args': { type: 'string', default: '-C -o ControlMaster=auto -o ControlPersist=60s', env: ['ANSIBLE_SSH_ARGS'], ini: ['ssh_connection.ssh_args'], vars: ['ansible_ssh_args'] },
  'connection.ssh.ssh_common_args': { type: 'string', default: '', env: ['ANSIBLE_SSH_COMMON_ARGS'], ini: ['ssh_connection.ssh_common_args'], vars: ['ansible_ssh_common_args'] },
  'connection.ssh.ssh_extra_args': { type: 'string', default: '', env: ['ANSIBLE_SSH_EXTRA_ARGS'], ini: ['ssh_connection.ssh_extra_args'], vars: ['ansible_ssh_extra_args'] },
  'connection.ssh.pipelining': { type: 'boolean', default: false, env: ['ANSIBLE_PIPELINING', 'ANSIBLE_SSH_PIPELINING'], ini: ['defaults.pipelining', 'connection.pipelining', 'ssh_connection.pipelining'], vars: ['ansible_pipelining', 'ansible_ssh_pipelining'] },
  'connection.ssh.control_path': { type: 'string', default: null, env: ['ANSIBLE_SSH_CONTROL_PATH'], ini: ['ssh_connection.control_path'], vars: ['ansible_control_path'] },
  'connection.ssh.control_path_dir': { type: 'string', default: '~/.ansible/cp', env: ['ANSIBLE_SSH_CONTROL_PATH_DIR'], ini: ['ssh_connection.control_path_dir'], vars: ['ansible_control_path_dir'] },
  'connection.ssh.reconnection_retries': { type: 'integer', default: 0, env: ['ANSIBLE_SSH_RETRIES'], ini: ['connection.retries', 'ssh_connection.retries'], vars: ['ansible_ssh_retries'] },
  'connection.ssh.timeout': { type: 'integer', default: 10, env: ['ANSIBLE_TIMEOUT', 'ANSIBLE_SSH_TIMEOUT'], ini: ['defaults.timeout', 'ssh_connection.timeout'], vars: ['ansible_ssh_timeout'] },
  'connection.ssh.port': { type: 'integer', default: null, env: ['ANSIBLE_REMOTE_PORT'], ini: ['defaults.remote_port'], vars: ['ansible_port', 'ansible_ssh_port'] },
  'connection.ssh.remote_user': { type: 'string', default: null, env: ['ANSIBLE_REMOTE_USER'], ini: ['defaults.remote_user'], vars: ['ansible_user', 'ansible_ssh_user'] },
  'connection.ssh.private_key_file': { type: 'string', default: null, env: ['ANSIBLE_PRIVATE_KEY_FILE'], ini: ['defaults.private_key_file'], vars: ['ansible_private_key_file', 'ansible_ssh_private_key_file'] },
  'connection.ssh.ssh_executable': { type: 'string', default: 'ssh', env: ['ANSIBLE_SSH_EXECUTABLE'], ini: ['ssh_connection.ssh_executable'], vars: ['ansible_ssh_executable'] },
  'connection.ssh.ssh_transfer_method': { type: 'string', default: null, env: ['ANSIBLE_SSH_TRANSFER_METHOD'], ini: ['ssh_connection.transfer_method'], vars: ['ansible_ssh_transfer_method'], choices: ['sftp', 'scp', 'piped', 'smart'] },
  'connection.ssh.use_tty': { type: 'boolean', default: true, env: ['ANSIBLE_SSH_USETTY'], ini: ['ssh_connection.usetty'], vars: ['ansible_ssh_use_tty'] },
  'connection.ssh.sftp_batch_mode': { type: 'boolean', default: true, env: ['ANSIBLE_SFTP_BATCH_MODE'], ini: ['ssh_connection.sftp_batch_mode'], vars: ['ansible_sftp_batch_mode'] },
  'connection.ssh.scp_extra_args': { type: 'string', default: '', env: ['ANSIBLE_SCP_EXTRA_ARGS'], ini: ['ssh_connection.scp_extra_args'], vars: ['ansible_scp_extra_args'] },
  'connection.ssh.sftp_extra_args': { type: 'string', default: '', env: ['ANSIBLE_SFTP_EXTRA_ARGS'], ini: ['ssh_connection.sftp_extra_args'], vars: ['ansible_sftp_extra_args'] },
  'callback.default.display_ok_hosts': { type: 'boolean', default: true, env: ['ANSIBLE_DISPLAY_OK_HOSTS'], ini: ['defaults.display_ok_hosts'] },
  'callback.default.display_skipped_hosts': { type: 'boolean', default: true, env: ['ANSIBLE_DISPLAY_SKIPPED_HOSTS'], ini: ['defaults.display_skipped_hosts'] },
  'callback.default.display_failed_stderr': { type: 'boolean', default: false, env: ['ANSIBLE_DISPLAY_FAILED_STDERR'], ini: ['defaults.display_failed_stderr'] },
  'callback.default.show_custom_stats': { type: 'boolean', default: false, env: ['ANSIBLE_SHOW_CUSTOM_STATS'], ini: ['defaults.show_custom_stats'] },
  'callback.default.check_mode_markers': { type: 'boolean', default: false, env: ['ANSIBLE_CHECK_MODE_MARKERS'], ini: ['defaults.check_mode_markers'] },
} as const satisfies Record<string, SettingDef>
