import { strict as assert } from 'node:assert';
import { privilegeModeFromBoundingSet, describePrivilegeMode } from '../../../src/runtime/docker/privileges.js';
import {
  containerlabDeployArgs,
  containerlabDestroyArgs,
  containerlabInspectArgs,
} from '../../../src/runtime/containerlab/containerlab-cli.js';

describe('privilege mode', () => {
  it('uses --privileged when the host has every capability', () => {
    assert.deepEqual(
      privilegeModeFromBoundingSet('000001ffffffffff', () => true),
      { kind: 'privileged' },
    );
  });
  it('falls back when the bounding set lacks CAP_SYS_RESOURCE (this machine)', () => {
    const mode = privilegeModeFromBoundingSet('000001fffeffffff', (p) => p === '/dev/net/tun');
    assert.deepEqual(mode, {
      kind: 'fallback',
      capDrop: ['SYS_RESOURCE'],
      securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      devices: ['/dev/net/tun'],
    });
    assert.match(describePrivilegeMode(mode), /lacks CAP_SYS_RESOURCE/);
  });
});

describe('containerlab command lines', () => {
  it('deploy', () => {
    assert.deepEqual(containerlabDeployArgs('/t/a.clab.yml'), ['deploy', '-t', '/t/a.clab.yml']);
    assert.deepEqual(containerlabDeployArgs('/t/a.clab.yml', { reconfigure: true }), ['deploy', '-t', '/t/a.clab.yml', '--reconfigure']);
  });
  it('destroy', () => {
    assert.deepEqual(containerlabDestroyArgs({ topologyFile: '/t/a.clab.yml' }), ['destroy', '-t', '/t/a.clab.yml', '--cleanup']);
    assert.deepEqual(containerlabDestroyArgs({ all: true }), ['destroy', '--all', '--cleanup']);
  });
  it('inspect', () => {
    assert.deepEqual(containerlabInspectArgs({ topologyFile: '/t/a.clab.yml' }, 'json'), [
      'inspect',
      '-t',
      '/t/a.clab.yml',
      '--format',
      'json',
    ]);
    assert.deepEqual(containerlabInspectArgs({ all: true }, 'table'), ['inspect', '--all', '--format', 'table']);
  });
});
