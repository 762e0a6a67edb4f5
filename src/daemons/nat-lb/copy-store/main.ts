// nat-lb copy store (seed 001, 53/54): runs on every server. Keeps the rows of this server's
// connections that the balancers push during normal running, so a failover needs nothing from
// a dead balancer; optionally (variant 1) rebuilds them from the server's own TCP table.
//   node /opt/failover-lab/dist/src/daemons/nat-lb/copy-store/main.js --config FILE
import { systemClock } from '../../../common/clock.js';
import { runCommand } from '../../../kernel/run-command.js';
import { createEventLog } from '../../shared/event-log.js';
import { startJsonApi } from '../../shared/json-api.js';
import { waitForListenAddress } from '../../shared/listen-address.js';
import { loadCopyStoreConfig, type CopyStoreConfig } from './copy-store-config.js';
import { copyStoreRoutes } from './copy-store-api.js';
import { RowStore } from './row-store.js';
import { parseSs, tcpTableRows } from './ss-table.js';
import { onStopSignals, runDaemon } from '../../shared/daemon-main.js';

const run = async (config: CopyStoreConfig): Promise<void> => {
  const clock = systemClock;
  const emit = createEventLog(config.node, 'nat-copy-store', { clock });
  const store = new RowStore(config.maxAgeMs === undefined ? {} : { maxAgeMs: config.maxAgeMs });
  const readTcpTable = async (vip: string) => {
    const sel = config.tcpTable.find((t) => t.vip === vip)!;
    return tcpTableRows(parseSs(await runCommand('ss', ['-tniH'], { timeoutMs: 5000 })), sel);
  };
  await waitForListenAddress(config.listen);
  const api = await startJsonApi(
    config.listen,
    config.token,
    copyStoreRoutes({
      node: config.node,
      store,
      now: () => clock.nowMs(),
      emit,
      ...(config.tcpTable.length ? { tcpTable: { vips: config.tcpTable.map((t) => t.vip), read: readTcpTable } } : {}),
    }),
  );
  emit('started', { listen: config.listen, tcpTable: config.tcpTable.map((t) => t.vip) });
  onStopSignals(emit, async () => {
    await api.close();
  });
};

runDaemon('nat-copy-store', loadCopyStoreConfig, run);
