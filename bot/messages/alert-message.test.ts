import { describe, expect, it } from 'vitest';
import { alertMessage, asMessage } from './alert-message.ts';
import { fields, text } from './message.ts';

const FACTS = { eventId: 'e1', instanceName: 'my-vps', kind: 'stale' as const, summary: 'quiet for 20 min', openedAt: new Date('2026-12-02T10:00:00Z') };

describe('alert messages', () => {
  it('offers Ack and Mute while open', () => {
    expect(alertMessage(FACTS).actions.map((a) => a.id)).toEqual(['ack', 'mute-1h', 'mute-24h']);
  });

  it('shows who acknowledged it and when, keeps its severity and Mute, and drops Ack', () => {
    const acked = alertMessage({ ...FACTS, acked: { by: 'mallory', at: new Date('2026-12-02T10:07:00Z') } });
    expect(acked).toMatchObject({ title: '🔴 my-vps: stopped syncing', severity: 'critical' });
    expect(acked.blocks).toEqual([
      text('quiet for 20 min'),
      fields([
        ['Acknowledged', 'by mallory at 2026-12-02 10:07 UTC'],
        ['Instance', 'my-vps'],
        ['Since', '2026-12-02 10:00 UTC'],
      ]),
    ]);
    expect(acked.actions.map((a) => a.id)).toEqual(['mute-1h', 'mute-24h']);
  });

  it('offers nothing once resolved', () => {
    expect(alertMessage({ ...FACTS, resolved: { at: new Date(), summary: 'syncing again' } })).toMatchObject({ severity: 'resolved', actions: [] });
  });

  it('reads the old alert shape as a message', () => {
    expect(asMessage({ title: 't', severity: 'info', summary: 's', fields: [], actions: [] })).toEqual({ title: 't', severity: 'info', blocks: [text('s')], actions: [] });
  });
});
