import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHistory } from '../../../../src/orchestrator/history/history-store.js';
import { reportHtml } from '../../../../src/orchestrator/report/report-html.js';
import { timelineSvg } from '../../../../src/orchestrator/report/timeline-svg.js';
import { writeRunReport } from '../../../../src/orchestrator/report/write-report.js';
import { sampleRun } from './sample-run.js';
import { xmlProblems } from './xml-check.js';

const svgs = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

describe('report.html and the timeline SVG', () => {
  const { report, histories } = sampleRun(4);
  const html = reportHtml(report, histories);

  it('is a self-contained page: inline style, inline SVG, no script, no external asset', () => {
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(!/<script/i.test(html));
    assert.ok(!/(src|href)="(https?:)?\/\//i.test(html));
    assert.ok(!/<link /i.test(html));
    assert.equal(svgs(html).length, 2);
  });

  it('escapes every name, and each SVG is well-formed XML', () => {
    assert.ok(html.includes('arp-ha &lt;link flap&gt; &amp; &quot;failover&quot;'));
    assert.ok(!html.includes('<link flap>'));
    assert.ok(html.includes('never split-brain &lt;VIP &amp; MAC&gt;'));
    for (const svg of svgs(html)) assert.deepEqual(xmlProblems(svg), []);
    assert.deepEqual(xmlProblems(html.replace(/<meta[^>]*>/g, '')), []);
  });

  it('shows the verdict, seed, aggregate table, fault label, gaps, daemon markers and checks', () => {
    assert.match(html, /<h1>[^<]*<span class="badge fail">FAIL<\/span><\/h1>/);
    assert.match(html, /seed <b>42<\/b>/);
    assert.ok(html.includes('Across 2 repeats'));
    assert.ok(html.includes('max gap per repeat (ms)'));
    const svg = svgs(html)[0]!;
    assert.match(svg, /class="fault-label">flap-1<\/text>/);
    assert.match(svg, /class="gap"/);
    assert.match(svg, /<title>[^<]*lb2\/arp-ha {2}became-master/);
    assert.match(svg, /throughput per stream \(MB\/s\)/);
    assert.ok(html.includes('checker threw: owner table missing for &quot;lb2&quot;'));
    assert.match(svgs(html)[1]!, /class="conn-timeout"/);
  });

  it('with many streams draws the total and the min–max envelope, and merges the gap lanes', () => {
    const many = sampleRun(60);
    const svg = timelineSvg(many.report.repeats[0]!, many.histories[0]);
    assert.deepEqual(xmlProblems(svg), []);
    assert.match(svg, /total throughput of 60 streams/);
    assert.match(svg, /class="band"/);
    assert.match(svg, /gaps \(60 streams\)/);
    assert.equal((svg.match(/class="line"/g) ?? []).length, 0);
    assert.ok(svg.length < 400_000, `svg is ${svg.length} bytes`);
    const html = reportHtml(many.report, many.histories);
    assert.match(html, /Streams \(top 20 of 60 by max gap\)/);
  });

  it('still renders a repeat without history or progress samples', () => {
    const svg = timelineSvg(report.repeats[0]!);
    assert.deepEqual(xmlProblems(svg), []);
    assert.match(svg, /no throughput samples/);
  });

  it('writeRunReport writes report.json, junit.xml, report.html and each history.jsonl', async () => {
    const dir = process.env['FL_REPORT_SAMPLE_DIR'] ?? (await mkdtemp(join(tmpdir(), 'fl-report-')));
    try {
      const paths = await writeRunReport(dir, report, histories);
      assert.deepEqual(paths.histories, [join(dir, 'repeat-1/history.jsonl'), join(dir, 'repeat-2/history.jsonl')]);
      const json = JSON.parse(await readFile(paths.reportJson, 'utf8')) as typeof report;
      assert.equal(json.repeats[1]!.history, 'repeat-2/history.jsonl');
      assert.equal(json.passed, false);
      assert.deepEqual(await readHistory(paths.histories[0]!), histories[0]);
      assert.match(await readFile(paths.junitXml, 'utf8'), /<testsuite /);
      assert.equal(await readFile(paths.reportHtml, 'utf8'), reportHtml(json, histories));
      if (process.env['FL_REPORT_SAMPLE_DIR']) {
        const many = sampleRun(1000);
        await writeRunReport(join(dir, 'many-streams'), many.report, many.histories);
      }
    } finally {
      if (!process.env['FL_REPORT_SAMPLE_DIR']) await rm(dir, { recursive: true, force: true });
    }
  });
});
