import { SESSION_STATUSES, statusesOfGroup, statusGroup, StatusGroup } from './session.status';

describe('status groups as filters, derived from statusGroup', () => {
  it('splits each group into the statuses always in it and those in it only while active or only while idle', () => {
    expect(statusesOfGroup('ACTIVE')).toEqual({ always: ['PENDING', 'QUEUED', 'PROVISIONING', 'RUNNING'], whileActive: ['OPEN'], whileIdle: [] });
    expect(statusesOfGroup('IDLE')).toEqual({ always: [], whileActive: [], whileIdle: ['OPEN'] });
    expect(statusesOfGroup('ATTENTION')).toEqual({ always: ['WAITING', 'PAUSED', 'BLOCKED'], whileActive: [], whileIdle: [] });
    expect(statusesOfGroup('SUCCESS').always).toEqual(['COMPLETED', 'CANCELLED', 'ENDED']);
    expect(statusesOfGroup('PROBLEM').always).toEqual(['FAILED', 'REJECTED', 'TIMED_OUT']);
  });

  it('puts every status, active or not, in exactly the group statusGroup names', () => {
    const groups: StatusGroup[] = ['ACTIVE', 'ATTENTION', 'SUCCESS', 'PROBLEM', 'IDLE'];
    for (const status of SESSION_STATUSES) {
      for (const active of [true, false]) {
        const holding = groups.filter((group) => {
          const { always, whileActive, whileIdle } = statusesOfGroup(group);
          return always.includes(status) || (active ? whileActive : whileIdle).includes(status);
        });
        expect(holding).toEqual([statusGroup(status, active)]);
      }
    }
  });
});
