# tsplay test double, not Kubernetes: helpers shared by the kubeadm and kubectl doubles (installed beside each
# double in /usr/lib/tsplay-double/NAME/). State lives in /var/lib/tsplay-double so tests can read what happened.
import base64
import fcntl
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time

import yaml

STATE_DIR = '/var/lib/tsplay-double'
K8S = '/etc/kubernetes'
PKI = K8S + '/pki'
DOUBLE_NOTE = 'tsplay test double, not Kubernetes'


def fail(message, code=1):
    """Print an error the way kubeadm/kubectl do and exit."""
    print(message, file=sys.stderr)
    sys.exit(code)


def record(event, **fields):
    """Append one JSON line to the event log the e2e tests read."""
    os.makedirs(STATE_DIR, exist_ok=True)
    fields.update(event=event, time=time.time(), host=socket.gethostname())
    with open(STATE_DIR + '/events.log', 'a') as log:
        log.write(json.dumps(fields) + '\n')


def lock_state():
    """Hold an exclusive lock on the double's state until the process exits: several hosts' joins ask the
    first control-plane node for tokens at the same moment, as they ask a real apiserver."""
    os.makedirs(STATE_DIR, exist_ok=True)
    handle = open(STATE_DIR + '/lock', 'w')
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def load_state():
    try:
        with open(STATE_DIR + '/cluster.json') as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def save_state(state):
    os.makedirs(STATE_DIR, exist_ok=True)
    temp = STATE_DIR + '/cluster.json.%d' % os.getpid()
    with open(temp, 'w') as f:
        json.dump(state, f, indent=2)
    os.replace(temp, STATE_DIR + '/cluster.json')


def write(path, content, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(content)
    os.chmod(path, mode)


def openssl(*args, stdin=None):
    result = subprocess.run(['openssl', *args], input=stdin, capture_output=True)
    if result.returncode != 0:
        fail('openssl %s failed: %s' % (args[0], result.stderr.decode(errors='replace')))
    return result.stdout


def ca_hash(ca_pem):
    """sha256 of the CA's DER SubjectPublicKeyInfo, as kubeadm's --discovery-token-ca-cert-hash."""
    pub = openssl('x509', '-pubkey', '-noout', stdin=ca_pem.encode())
    der = openssl('pkey', '-pubin', '-outform', 'der', stdin=pub)
    return 'sha256:' + hashlib.sha256(der).hexdigest()


def split_endpoint(endpoint):
    endpoint = re.sub(r'^https?://', '', endpoint).rstrip('/')
    host, _, port = endpoint.rpartition(':')
    if not host or not port.isdigit():
        fail('invalid endpoint %r: want host:port' % endpoint)
    return host.strip('[]'), int(port)


def ask_apiserver(endpoint, timeout=20, attempts=3):
    """Connect to an apiserver double (through the endpoint, e.g. the local nginx) and return
    (served_by, ca_pem); None when nothing answers, like a refused or reset connection. A few attempts,
    because lab hosts share two cores with everything else and a stand-in answer can come late."""
    for attempt in range(attempts):
        answer = _ask_once(endpoint, timeout)
        if answer is not None:
            return answer
        time.sleep(1 + attempt)
    return None


def _ask_once(endpoint, timeout):
    host, port = split_endpoint(endpoint)
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            chunks = []
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                chunks.append(data)
    except OSError:
        return None
    text = b''.join(chunks).decode(errors='replace')
    if not text.startswith('tsplay-double-apiserver '):
        return None
    first, _, rest = text.partition('\n')
    return first.split(' ', 1)[1].strip(), rest


def kubeconfig(server, ca_pem, user):
    """A kubeconfig with the cluster's CA; the client credentials are a labelled placeholder."""
    return yaml.safe_dump({
        'apiVersion': 'v1',
        'kind': 'Config',
        'clusters': [{'name': 'kubernetes', 'cluster': {
            'server': 'https://' + server,
            'certificate-authority-data': base64.b64encode(ca_pem.encode()).decode()}}],
        'contexts': [{'name': user + '@kubernetes', 'context': {'cluster': 'kubernetes', 'user': user}}],
        'current-context': user + '@kubernetes',
        'users': [{'name': user, 'user': {'token': DOUBLE_NOTE}}],
    }, sort_keys=False)


def parse_args(argv, flags_with_values):
    """Split argv into positionals and a dict of --flags (boolean flags map to True)."""
    positionals, flags = [], {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith('-') and arg != '-':
            name, eq, value = arg.lstrip('-').partition('=')
            if not eq and name in flags_with_values:
                i += 1
                if i >= len(argv):
                    fail('flag needs an argument: --' + name)
                value = argv[i]
            elif not eq:
                value = True
            flags[name] = value
        else:
            positionals.append(arg)
        i += 1
    return positionals, flags
