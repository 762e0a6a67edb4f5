// Label keys: containerlab's own (so `containerlab inspect` and tools built for it recognise
// our labs), plus one of ours that scopes `destroy --all` to labs this tool made.
export const LABEL = {
  lab: 'containerlab',
  nodeName: 'clab-node-name',
  longName: 'clab-node-longname',
  nodeKind: 'clab-node-kind',
  nodeType: 'clab-node-type',
  nodeGroup: 'clab-node-group',
  nodeLabDir: 'clab-node-lab-dir',
  topoFile: 'clab-topo-file',
  owner: 'clab-owner',
  managed: 'org.failover-lab.managed',
  /** A scenario's app container (orchestrator/runner/app-plan.ts); it carries the lab label too, so destroy removes it. */
  app: 'org.failover-lab.app',
} as const;
