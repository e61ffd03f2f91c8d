#!/usr/bin/python3
# tsplay test double, not Kubernetes: stands in for kubeadm on tsplay's lab hosts, where real Kubernetes
# cannot run. It validates the configuration the roles render, checks what kubeadm's preflight checks
# (swap, CRI socket, ip_forward, external etcd over TLS), writes the files real kubeadm writes, prints
# real-looking join material and records every init/join/reset in /var/lib/tsplay-double/events.log.
import ipaddress
import os
import re
import secrets
import socket
import ssl
import sys
import urllib.request

sys.path.insert(0, '/usr/lib/tsplay-double/kubeadm')
from common import (DOUBLE_NOTE, K8S, PKI, ask_apiserver, ca_hash, fail, kubeconfig, load_state, lock_state,  # noqa: E402
                    openssl, parse_args, record, save_state, split_endpoint, write)
import yaml  # noqa: E402

VERSION = '@VERSION@'
VALUE_FLAGS = {'config', 'token', 'discovery-token-ca-cert-hash', 'certificate-key', 'apiserver-advertise-address',
               'node-name', 'cri-socket', 'ignore-preflight-errors', 'ttl', 'o', 'output', 'kubeconfig'}


def load_config(path):
    try:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
    except (OSError, yaml.YAMLError) as e:
        fail('could not read %s: %s' % (path, e))
    by_kind = {}
    for doc in docs:
        if not isinstance(doc, dict) or 'kind' not in doc or 'apiVersion' not in doc:
            fail('%s: every document needs apiVersion and kind' % path)
        by_kind[doc['kind']] = doc
    return by_kind


def config_errors(cfg, at_init):
    """The checks real kubeadm (and the kubelet/kube-proxy it configures) would fail on, for the fields the
    roles render."""
    errors = []
    init, cluster = cfg.get('InitConfiguration'), cfg.get('ClusterConfiguration')
    if not init or not cluster:
        return ['the config needs an InitConfiguration and a ClusterConfiguration']
    for doc in (init, cluster):
        if not re.match(r'^kubeadm\.k8s\.io/v1beta[34]$', str(doc.get('apiVersion'))):
            errors.append('%s: unsupported apiVersion %r' % (doc['kind'], doc.get('apiVersion')))
    endpoint = str(cluster.get('controlPlaneEndpoint') or '')
    if not re.match(r'^[A-Za-z0-9.-]+:\d+$', endpoint):
        errors.append('controlPlaneEndpoint %r is not host:port (needed to add control-plane nodes later)' % endpoint)
    elif endpoint.rsplit(':', 1)[0] not in (cluster.get('apiServer') or {}).get('certSANs', []):
        errors.append('controlPlaneEndpoint host %s is missing from apiServer.certSANs' % endpoint)
    external = ((cluster.get('etcd') or {}).get('external')) or {}
    endpoints = external.get('endpoints') or []
    if not endpoints:
        errors.append('etcd.external.endpoints is empty (the roles run an external etcd)')
    for url in endpoints:
        if not re.match(r'^https?://[^/]+:\d+$', str(url)):
            errors.append('etcd endpoint %r is not scheme://host:port' % url)
    if any(str(u).startswith('https://') for u in endpoints):
        for key in ('caFile', 'certFile', 'keyFile'):
            if not external.get(key):
                errors.append('etcd.external.%s is required for https endpoints' % key)
            elif at_init and not os.path.isfile(external[key]):
                errors.append('etcd.external.%s: %s does not exist' % (key, external[key]))
    networking = cluster.get('networking') or {}
    nets = []
    for key in ('podSubnet', 'serviceSubnet'):
        try:
            nets.append(ipaddress.ip_network(str(networking.get(key))))
        except ValueError:
            errors.append('networking.%s %r is not a CIDR' % (key, networking.get(key)))
    if len(nets) == 2 and nets[0].overlaps(nets[1]):
        errors.append('networking.podSubnet and serviceSubnet overlap')
    proxy = cfg.get('KubeProxyConfiguration') or {}
    if proxy.get('mode') != 'ipvs':
        errors.append('KubeProxyConfiguration.mode is %r, the roles configure ipvs' % proxy.get('mode'))
    kubelet = cfg.get('KubeletConfiguration') or {}
    if kubelet.get('cgroupDriver') != 'systemd':
        errors.append('KubeletConfiguration.cgroupDriver is %r, want systemd' % kubelet.get('cgroupDriver'))
    advertise = (init.get('localAPIEndpoint') or {}).get('advertiseAddress')
    try:
        ipaddress.ip_address(str(advertise))
    except ValueError:
        errors.append('localAPIEndpoint.advertiseAddress %r is not an IP address' % advertise)
    return errors


def preflight(flags, joining):
    ignored = {e.strip().lower() for e in str(flags.get('ignore-preflight-errors', '')).split(',') if e.strip()}
    problems = []
    for name in (['kubelet.conf', 'pki/ca.crt'] if joining else ['admin.conf', 'manifests/kube-apiserver.yaml']):
        path = K8S + '/' + name
        if os.path.exists(path):
            problems.append(('FileAvailable-' + path.replace('/', '-'), '%s already exists' % path))
    with open('/proc/swaps') as f:
        if len(f.read().strip().splitlines()) > 1:
            problems.append(('Swap', 'running with swap on is not supported. Please disable swap'))
    if not os.path.exists('/run/containerd/containerd.sock'):
        problems.append(('CRI', 'container runtime is not running: /run/containerd/containerd.sock does not exist'))
    with open('/proc/sys/net/ipv4/ip_forward') as f:
        if f.read().strip() != '1':
            problems.append(('FileContent--proc-sys-net-ipv4-ip_forward',
                             '/proc/sys/net/ipv4/ip_forward contents are not set to 1'))
    fatal = [p for p in problems if p[0].lower() not in ignored and 'all' not in ignored]
    if fatal:
        print('[preflight] Running pre-flight checks')
        fail('error execution phase preflight: [preflight] Some fatal errors occurred:\n' +
             ''.join('\t[ERROR %s]: %s\n' % p for p in fatal) +
             '[preflight] If you know what you are doing, you can make a check non-fatal with '
             '`--ignore-preflight-errors=...`')


def check_containerd_cgroups(cfg):
    """The kubelet refuses to run when its cgroup driver and the runtime's disagree."""
    try:
        with open('/etc/containerd/config.toml') as f:
            systemd = re.search(r'^\s*SystemdCgroup\s*=\s*true\s*$', f.read(), re.M) is not None
    except OSError:
        return
    driver = (cfg.get('KubeletConfiguration') or {}).get('cgroupDriver', 'systemd')
    if systemd != (driver == 'systemd'):
        fail('[ERROR CgroupDriver]: kubelet cgroup driver %r differs from containerd SystemdCgroup=%s' % (driver, systemd))


def check_etcd(cfg):
    """Like kubeadm's ExternalEtcdVersion check: every external member answers over TLS with the client cert."""
    external = cfg['ClusterConfiguration']['etcd']['external']
    context = None
    if external.get('caFile'):
        context = ssl.create_default_context(cafile=external['caFile'])
        context.load_cert_chain(external['certFile'], external['keyFile'])
    for url in external['endpoints']:
        try:
            with urllib.request.urlopen(url + '/version', timeout=5, context=context) as response:
                response.read()
        except OSError as e:
            fail('[ERROR ExternalEtcdVersion]: Get "%s/version": %s' % (url, e))


def make_ca():
    os.makedirs(PKI, mode=0o755, exist_ok=True)
    if not os.path.exists(PKI + '/ca.crt'):
        openssl('req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=kubernetes',
                '-keyout', PKI + '/ca.key', '-out', PKI + '/ca.crt')
    with open(PKI + '/ca.crt') as f:
        return f.read()


def sign_apiserver_cert(sans):
    entries = ['IP:' + s if is_ip(s) else 'DNS:' + s for s in sans]
    ext = PKI + '/apiserver.ext'
    write(ext, 'subjectAltName = %s\nextendedKeyUsage = serverAuth\n' % ', '.join(entries), 0o600)
    openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kube-apiserver',
            '-keyout', PKI + '/apiserver.key', '-out', PKI + '/apiserver.csr')
    openssl('x509', '-req', '-in', PKI + '/apiserver.csr', '-CA', PKI + '/ca.crt', '-CAkey', PKI + '/ca.key',
            '-CAcreateserial', '-days', '365', '-extfile', ext, '-out', PKI + '/apiserver.crt')
    os.remove(PKI + '/apiserver.csr')
    os.remove(ext)


def is_ip(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def write_control_plane(endpoint, ca_pem, advertise, etcd_servers, node):
    for name, user in (('admin.conf', 'kubernetes-admin'), ('controller-manager.conf', 'system:kube-controller-manager'),
                       ('scheduler.conf', 'system:kube-scheduler'), ('kubelet.conf', 'system:node:' + node)):
        write(K8S + '/' + name, kubeconfig(endpoint, ca_pem, user), 0o600)
    header = '# %s: written by the kubeadm double; the kubelet double serves a stand-in apiserver from it\n' % DOUBLE_NOTE
    for component, args in (('kube-apiserver', ['--advertise-address=' + advertise, '--secure-port=6443',
                                                '--etcd-servers=' + ','.join(etcd_servers)]),
                            ('kube-controller-manager', ['--kubeconfig=/etc/kubernetes/controller-manager.conf']),
                            ('kube-scheduler', ['--kubeconfig=/etc/kubernetes/scheduler.conf'])):
        manifest = {'apiVersion': 'v1', 'kind': 'Pod',
                    'metadata': {'name': component, 'namespace': 'kube-system', 'labels': {'tier': 'control-plane'}},
                    'spec': {'hostNetwork': True, 'containers': [{'name': component, 'image': 'tsplay-double',
                                                                  'command': [component] + args}]}}
        write(K8S + '/manifests/%s.yaml' % component, header + yaml.safe_dump(manifest, sort_keys=False), 0o600)


def write_kubelet_config(cfg):
    kubelet = dict(cfg.get('KubeletConfiguration') or {'apiVersion': 'kubelet.config.k8s.io/v1beta1',
                                                       'kind': 'KubeletConfiguration', 'cgroupDriver': 'systemd'})
    write('/var/lib/kubelet/config.yaml', yaml.safe_dump(kubelet, sort_keys=False))


def new_token():
    alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
    return ''.join(secrets.choice(alphabet) for _ in range(6)) + '.' + ''.join(secrets.choice(alphabet) for _ in range(16))


def require_admin():
    if not os.path.exists(K8S + '/admin.conf'):
        fail('failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory')
    state = load_state()
    if not state:
        fail('this node has no cluster state of the kubeadm double (was kubeadm init run here?)')
    return state


def join_line(state, token):
    return 'kubeadm join %s --token %s --discovery-token-ca-cert-hash %s ' % (state['endpoint'], token, state['caHash'])


def cmd_init(pos, flags):
    if pos[:2] == ['phase', 'upload-certs']:
        return cmd_upload_certs(flags)
    if pos:
        fail('unsupported: kubeadm init %s (%s)' % (' '.join(pos), DOUBLE_NOTE))
    cfg = load_config(flags.get('config') or fail('the double needs --config'))
    errors = config_errors(cfg, at_init=True)
    if errors:
        fail('invalid configuration:\n' + ''.join('\t- %s\n' % e for e in errors))
    preflight(flags, joining=False)
    check_containerd_cgroups(cfg)
    check_etcd(cfg)
    cluster, init = cfg['ClusterConfiguration'], cfg['InitConfiguration']
    endpoint, node = cluster['controlPlaneEndpoint'], init['nodeRegistration']['name']
    advertise = init['localAPIEndpoint']['advertiseAddress']
    ca_pem = make_ca()
    sign_apiserver_cert(list(dict.fromkeys(cluster['apiServer']['certSANs'] + [advertise, node])))
    write_control_plane(endpoint, ca_pem, advertise, cluster['etcd']['external']['endpoints'], node)
    write_kubelet_config(cfg)
    token, key = new_token(), secrets.token_hex(32)
    state = {'endpoint': endpoint, 'caHash': ca_hash(ca_pem), 'tokens': [token], 'certificateKey': key,
             'nodes': [node], 'config': cfg}
    save_state(state)
    record('init', node=node, endpoint=endpoint, uploadCerts=bool(flags.get('upload-certs')))
    join = join_line(state, token).rstrip()
    print('[init] Using Kubernetes version: v%s\n[preflight] Running pre-flight checks\n'
          '[certs] Using certificateDir folder "/etc/kubernetes/pki"\n[kubeconfig] Writing "admin.conf" kubeconfig file\n'
          '[control-plane] Creating static Pod manifests in "/etc/kubernetes/manifests"\n'
          '[upload-certs] Using certificate key:\n%s\n\n'
          'Your Kubernetes control-plane has initialized successfully!\n\n'
          'You can now join any number of the control-plane node running the following command on each as root:\n\n'
          '  %s \\\n\t--control-plane --certificate-key %s\n\n'
          'Then you can join any number of worker nodes by running the following on each as root:\n\n  %s\n'
          % (VERSION, key, join.replace(' --discovery', ' \\\n\t--discovery'), key,
             join.replace(' --discovery', ' \\\n\t--discovery')))


def cmd_upload_certs(flags):
    state = require_admin()
    if not flags.get('upload-certs'):
        fail('the double supports only `kubeadm init phase upload-certs --upload-certs`')
    state['certificateKey'] = flags.get('certificate-key') or secrets.token_hex(32)
    save_state(state)
    record('upload-certs')
    print('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n'
          '[upload-certs] Using certificate key:\n' + state['certificateKey'])


def cmd_token(pos, flags):
    if pos[:1] != ['create']:
        fail('unsupported: kubeadm token %s (%s)' % (' '.join(pos), DOUBLE_NOTE))
    state = require_admin()
    token = new_token()
    state['tokens'].append(token)
    save_state(state)
    record('token-create', ttl=flags.get('ttl', '24h'))
    print(join_line(state, token) if flags.get('print-join-command') else token)


def cmd_join(pos, flags):
    if len(pos) != 1:
        fail('kubeadm join needs exactly one API server endpoint, got %r' % pos)
    endpoint, token = pos[0], str(flags.get('token', ''))
    pinned = str(flags.get('discovery-token-ca-cert-hash', ''))
    control_plane = bool(flags.get('control-plane'))
    node = str(flags.get('node-name') or socket.gethostname())
    if not re.match(r'^[a-z0-9]{6}\.[a-z0-9]{16}$', token):
        fail('invalid bootstrap token %r: want [a-z0-9]{6}.[a-z0-9]{16}' % token)
    if not re.match(r'^sha256:[0-9a-f]{64}$', pinned):
        fail('invalid --discovery-token-ca-cert-hash %r' % pinned)
    if control_plane:
        if not re.match(r'^[0-9a-f]{64}$', str(flags.get('certificate-key', ''))):
            fail('a control-plane join needs --certificate-key with 64 hex digits')
        if not is_ip(str(flags.get('apiserver-advertise-address', ''))):
            fail('a control-plane join needs --apiserver-advertise-address')
    preflight(flags, joining=True)
    split_endpoint(endpoint)
    answer = ask_apiserver(endpoint)
    if answer is None:
        fail('error execution phase preflight: couldn\'t validate the identity of the API Server: '
             'Get "https://%s/api/v1/namespaces/kube-public/configmaps/cluster-info": connection refused' % endpoint)
    served_by, ca_pem = answer
    if ca_hash(ca_pem) != pinned:
        fail('error execution phase preflight: couldn\'t validate the identity of the API Server: cluster CA found in '
             'cluster-info ConfigMap is invalid: none of the public keys "%s" are pinned' % ca_hash(ca_pem))
    write(PKI + '/ca.crt', ca_pem)
    if control_plane:
        advertise = flags['apiserver-advertise-address']
        write_control_plane(endpoint, ca_pem, advertise, [], node)
    else:
        write(K8S + '/kubelet.conf', kubeconfig(endpoint, ca_pem, 'system:node:' + node), 0o600)
    write_kubelet_config({})
    record('join', node=node, controlPlane=control_plane, endpoint=endpoint, servedBy=served_by,
           criSocket=flags.get('cri-socket'))
    print('[preflight] Running pre-flight checks\n[kubelet-start] Writing kubelet configuration to file '
          '"/var/lib/kubelet/config.yaml"\n\nThis node has joined the cluster%s:\n'
          '* Certificate signing request was sent to apiserver and a response was received.\n'
          % (' as a control-plane node' if control_plane else ''))


def cmd_reset(flags):
    if not (flags.get('f') or flags.get('force')):
        fail('the double only runs `kubeadm reset -f`')
    import shutil
    for name in ('admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf'):
        if os.path.exists(K8S + '/' + name):
            os.remove(K8S + '/' + name)
    for directory in (K8S + '/manifests', PKI):
        shutil.rmtree(directory, ignore_errors=True)
    if os.path.exists('/var/lib/kubelet/config.yaml'):
        os.remove('/var/lib/kubelet/config.yaml')
    record('reset')
    print('[reset] Deleted contents of the etcd data directory: (external etcd, nothing to delete)\n'
          '[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]')


def cmd_config(pos, flags):
    if pos[:1] != ['validate']:
        fail('unsupported: kubeadm config %s (%s)' % (' '.join(pos), DOUBLE_NOTE))
    errors = config_errors(load_config(flags.get('config') or fail('--config is required')), at_init=False)
    if errors:
        fail('invalid configuration:\n' + ''.join('\t- %s\n' % e for e in errors))
    print('ok')


def main(argv):
    if not argv:
        fail('usage: kubeadm COMMAND (%s)' % DOUBLE_NOTE)
    state_lock = lock_state()  # noqa: F841 (held until exit)
    command, rest = argv[0], argv[1:]
    pos, flags = parse_args(rest, VALUE_FLAGS)
    if command == 'version':
        print('v' + VERSION if flags.get('o') == 'short' or flags.get('output') == 'short'
              else 'kubeadm version: &version.Info{GitVersion:"v%s", Note:"%s"}' % (VERSION, DOUBLE_NOTE))
    elif command == 'init':
        cmd_init(pos, flags)
    elif command == 'token':
        cmd_token(pos, flags)
    elif command == 'join':
        cmd_join(pos, flags)
    elif command == 'reset':
        cmd_reset(flags)
    elif command == 'config':
        cmd_config(pos, flags)
    else:
        fail('unsupported: kubeadm %s (%s)' % (command, DOUBLE_NOTE))


if __name__ == '__main__':
    main(sys.argv[1:])
