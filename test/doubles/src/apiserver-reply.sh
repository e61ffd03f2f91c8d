#!/bin/sh
# tsplay test double, not Kubernetes: one answer of the stand-in apiserver (run by socat per connection).
echo "tsplay-double-apiserver $(cat /etc/hostname)"
cat /etc/kubernetes/pki/ca.crt
