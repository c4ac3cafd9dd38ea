/** Notes that warn when a measurement's conditions make its times less trustworthy. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { busyCompareNote, busyMachineNote, spreadNote } from '../../../kernels/host/profileGraph';

describe('measurement notes', () => {
  it('a compare with several threads on a busy machine suggests one thread', () => {
    const busy = { atStart: 1.9, atEnd: 2.4, cores: 2 };
    assert.match(busyCompareNote({ threads: 2, loadAverage: busy }) ?? '', /compared with 2 threads.*'profile: { threads: 1 }' compares more tightly/);
    assert.equal(busyCompareNote({ threads: 1, loadAverage: busy }), undefined, 'one thread is the advice already');
    assert.equal(busyCompareNote({ threads: 2, loadAverage: { atStart: 0.2, atEnd: 2, cores: 2 } }), undefined, 'a quiet machine');
    assert.equal(busyCompareNote({ threads: 2, loadAverage: undefined }), undefined);
  });

  it('says when other work was running as the measurement started', () => {
    assert.equal(busyMachineNote({ atStart: 0.3, atEnd: 2.1, cores: 2 }), undefined, 'the job’s own load at the end does not count');
    assert.equal(busyMachineNote(undefined), undefined);
    const note = busyMachineNote({ atStart: 3.04, atEnd: 3.5, cores: 2 });
    assert.match(note ?? '', /load average was 3\.04 on 2 cores/);
    assert.equal(busyMachineNote({ atStart: 3, atEnd: 3, cores: 16 }), undefined, 'a quarter of 16 cores is 4');
    assert.ok(busyMachineNote({ atStart: 4, atEnd: 3, cores: 16 }));
  });

  it('says when the runs varied widely', () => {
    assert.equal(spreadNote(2.3, 2.74), undefined);
    assert.match(spreadNote(0.75, 18.7) ?? '', /p90 18\.700 ms is 24\.9× p10 0\.750 ms/);
    assert.equal(spreadNote(0, 1), undefined);
  });
});
