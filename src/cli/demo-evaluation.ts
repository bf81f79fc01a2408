/**
 * The end of `tongban demo`'s birth story: 好差评. The mother rates the first
 * matter and the whole 一件事 (a 差评, so a follow-up opens); the demo waits
 * until the provincial 好差评 system has both, then ops walk the follow-up
 * through 整改回访 to closed, each step recorded on the province.
 */
import type { SigningClient } from '../trust/signing-client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The demo's output and answer check (src/cli/demo.ts). */
export interface DemoIo {
  step(text: string): void;
  say(text: string): void;
  check(answer: { status: number; body: unknown }, expected: number, what: string): Json;
}

/** How long to wait for the province to receive the pushes before saying they are still queued (ms). */
const PUSH_WAIT_MS = 15_000;

export async function rateTheService(io: DemoIo, clients: { platform: SigningClient; ops: SigningClient; pollMs: number }, idToken: string, applicationId: string): Promise<void> {
  const { platform, ops } = clients;
  const { step, say, check } = io;
  step('The mother rates the service (好差评: 一次一评、一事一评): the first matter, then the whole 一件事');
  const application = check(await platform.request('GET', `/v1/applications/${applicationId}`), 200, 'application');
  const first = application.subApplications[0];
  const rate = async (body: Record<string, unknown>) => check(await platform.request('POST', `/v1/applications/${applicationId}/evaluations`, { body, idToken }), 201, 'evaluation');
  const matter = await rate({ scope: 'matter', matterCode: first.matterCode, level: 5, indicators: ['done-at-once', 'online-service'], comment: '一次办成，不用跑腿', channel: 'mobile' });
  say(`${first.matterName}: ${matter.level} ${matter.levelName} (${matter.indicators.join(', ')})`);
  const whole = await rate({ scope: 'theme', level: 2, indicators: ['time-limit'], comment: '社保卡等了好几天才办好', channel: 'mobile' });
  say(`the whole 一件事: ${whole.level} ${whole.levelName} — a 差评, so a follow-up (整改回访) opens, due ${whole.followUp.dueAt}`);
  const again = await platform.request('POST', `/v1/applications/${applicationId}/evaluations`, { body: { scope: 'theme', level: 5, channel: 'mobile' }, idToken });
  say(`rating the whole again: HTTP ${again.status} ${(again.body as Json).errors?.[0]?.pointer ?? ''} (一事一评: once each)`);

  const deadline = Date.now() + PUSH_WAIT_MS;
  let evaluations: Json[] = [];
  for (;;) {
    evaluations = check(await platform.request('GET', `/v1/applications/${applicationId}/evaluations`), 200, 'evaluations').evaluations;
    if (evaluations.every((evaluation) => evaluation.push.state === 'delivered') || Date.now() > deadline) break;
    await new Promise((resolveWait) => setTimeout(resolveWait, clients.pollMs));
  }
  for (const evaluation of evaluations) {
    say(evaluation.push.state === 'delivered'
      ? `the provincial 好差评 system has the ${evaluation.scope === 'theme' ? 'whole 一件事' : `matter ${evaluation.serviceCode}`}: 评价编号 ${evaluation.push.provinceId} (applicant masked)`
      : `${evaluation.serviceCode}: push ${evaluation.push.state} (is TONGBAN_EVALUATION_URL set? see GET /v1/ops/evaluations/pushes)`);
  }

  step('Ops follow the 差评 up (整改回访): assigned, rectified, the applicant re-contacted, closed');
  const path = `/v1/ops/evaluations/follow-ups/${whole.followUp.id}/transitions`;
  const steps = [
    { to: 'assigned', assignee: '民政和人社局 社保卡窗口', note: '派单至社保卡窗口核查办理时限' },
    { to: 'rectified', note: '已将社保卡制卡改为当日提交' },
    { to: 'revisited', note: '电话回访申请人，对整改结果表示满意' },
    { to: 'closed', note: '整改完毕，办结' },
  ];
  for (const body of steps) {
    const followUp = check(await ops.request('POST', path, { body }), 200, `follow-up ${body.to}`);
    say(`${followUp.stateName} (${followUp.state}) — ${body.note}`);
  }
  const skipped = await ops.request('POST', path, { body: { to: 'closed', note: '再次办结' } });
  say(`closing it again: HTTP ${skipped.status} (the order is enforced)`);
}
