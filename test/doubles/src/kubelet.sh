#!/bin/bash
# tsplay test double, not Kubernetes: stands in for the kubelet on tsplay's lab hosts. It sleeps until kubeadm
# (the double) has written /var/lib/kubelet/config.yaml; on control-plane nodes, once the kube-apiserver
# manifest exists, it serves a stand-in apiserver on the manifest's --advertise-address:--secure-port that
# answers every connection with "tsplay-double-apiserver <host name>" and the cluster CA (what `kubeadm join`
# discovery and the kubectl double read).
set -u
if [ "${1:-}" = --version ]; then echo "Kubernetes v@VERSION@ (tsplay test double, not Kubernetes)"; exit 0; fi
manifest=/etc/kubernetes/manifests/kube-apiserver.yaml
while :; do
  if [ -f /var/lib/kubelet/config.yaml ] && [ -f "$manifest" ] && [ -f /etc/kubernetes/pki/ca.crt ]; then
    address=$(sed -n 's/^ *- --advertise-address=//p' "$manifest" | head -n 1)
    port=$(sed -n 's/^ *- --secure-port=//p' "$manifest" | head -n 1)
    socat "TCP-LISTEN:${port:-6443},bind=${address:-0.0.0.0},fork,reuseaddr,backlog=128" EXEC:/usr/lib/tsplay-double/apiserver-reply
  fi
  sleep 2
done
