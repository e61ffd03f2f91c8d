// - name: install httpd from the base repository only
//   yum:
//     name: httpd
//     state: present
//     disablerepo: '*'
//     enablerepo: base
import { rpmPackageModule } from './dnf.js'

/** Ansible's yum: the dnf implementation, running yum only where dnf is absent (ansible-core redirects yum to dnf too). */
export const yum = rpmPackageModule('yum')
