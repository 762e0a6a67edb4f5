import { strict as assert } from 'node:assert';
import { agentAnswer, parseLoad } from '../../../../src/daemons/haproxy-baseline/agent-answer.js';

describe("HAProxy agent's answer (the redirector's load report, in agent-check terms)", () => {
  it('asks for half the weight at or above the threshold, all of it below', () => {
    assert.equal(agentAnswer(0.9, 0.8), 'up 50%\n');
    assert.equal(agentAnswer(0.8, 0.8), 'up 50%\n');
    assert.equal(agentAnswer(0.79, 0.8), 'up 100%\n');
  });
  it('reads the load file as the redirector’s agent does: absent or garbage is 0', () => {
    assert.equal(parseLoad('0.9\n'), 0.9);
    assert.equal(parseLoad(undefined), 0);
    assert.equal(parseLoad('high'), 0);
    assert.equal(parseLoad('-1'), 0);
  });
});
