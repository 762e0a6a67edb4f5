// `make demo`'s comparison, for real: arp-ha's transparent takeover and keepalived on the same
// crash of the active under four server→client streams, then the comparison page rendered by a
// real headless browser (Debian's chromium, installed by `make test`) and read back pixel by pixel.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { runColour } from '../../src/orchestrator/report/comparison-charts.js';
import { countColour, decodePng, inkShare } from '../helpers/png-pixels.js';
import { cli } from '../helpers/lab-fixture.js';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  '--window-size=1200,900',
];

async function screenshot(page: string, png: string): Promise<void> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'fl-chromium-'));
  try {
    const r = await execa('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `--screenshot=${png}`, `file://${page}`], {
      reject: false,
      timeout: 60_000,
    });
    assert.equal(r.exitCode, 0, `chromium failed (is it installed? make browser): ${r.stderr}`);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

describe('comparison page of the demo (real containers, real browser)', function () {
  this.timeout(300_000);
  it('arp-ha keeps every connection where keepalived keeps none, and the page shows it', async () => {
    const out = path.join(os.tmpdir(), `fl-compare-page-${process.pid}`);
    // The page and its verdicts are judged here; each scenario's timing bounds (transparent-
    // takeover's gap − detection ≤ 20 ms among them) are judged by the scenario suite, with its
    // reruns and FLAKY marks. So no rerun here, and exit 1 (a check failed) still makes a page.
    const result = await cli([
      'compare',
      'scenarios/arp-ha/transparent-takeover.yml',
      'scenarios/keepalived/crash-s2c.yml',
      '--reruns',
      '0',
      '--out',
      out,
    ]);
    assert.ok(
      result.exitCode === 0 || result.exitCode === 1,
      `compare could not run (exit ${result.exitCode}): ${result.stdout}${result.stderr}`,
    );
    const page = /comparison: (\S+)/.exec(result.stdout)?.[1];
    assert.ok(page, result.stdout);
    const json = JSON.parse(await readFile(path.join(path.dirname(page), 'comparison.json'), 'utf8')) as { runs: { verdict: string }[] };
    assert.match(json.runs[0]!.verdict, /^arp-ha-transparent-takeover: kept 4 of 4 connections, 0 bytes lost, longest gap 0\.\d\d s$/);
    assert.match(
      json.runs[1]!.verdict,
      /^keepalived-crash-s2c: kept 0 of 4 connections, 0 bytes lost, longest gap [4-9]\.\d\d s — (\d+ resets?, )?4 reconnects$/,
    );

    const png = path.join(path.dirname(page), 'comparison.png');
    await screenshot(page, png);
    const img = decodePng(await readFile(png));
    assert.deepEqual([img.width, img.height], [1200, 900]);
    assert.ok(inkShare(img) > 0.03, `the page looks blank: ${(inkShare(img) * 100).toFixed(1)} % ink (${png})`);
    // Beyond the legend and verdict swatches (≈ 600 px each), only the bars carry these colours.
    const arpHa = countColour(img, runColour(0));
    const keepalived = countColour(img, runColour(1));
    assert.ok(arpHa > 3000, `arp-ha's colour covers ${arpHa} px: its gap and kept bars are missing (${png})`);
    assert.ok(keepalived > 3000, `keepalived's colour covers ${keepalived} px: its gap bar is missing (${png})`);
  });
});
