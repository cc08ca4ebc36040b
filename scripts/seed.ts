// npm run seed: a demo to explore — five users, a WORK group, a one-to-one chat, and messages
// with read receipts, some of them read. Runs through the same services as the API. Idempotent.
import { signToken } from '../src/auth/jwt.ts';
import { buildApp } from '../src/server/app.ts';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const GROUP_ID = 'demo-team';

const app = await buildApp();
const { services, db } = app;
try {
  for (const user of USERS) await services.users.ensureSignedIn(user);
  if (await db.group.count({ where: { id: GROUP_ID } })) {
    console.log(`seed: group ${GROUP_ID} exists already; nothing to do`);
  } else {
    await services.groups.create('alice', {
      groupID: GROUP_ID,
      name: 'Demo team',
      type: 'WORK',
      memberIDs: USERS.slice(1),
    });
    const hello = await services.messages.send(
      'alice',
      `GROUP${GROUP_ID}`,
      'Stand-up in 5 minutes, please confirm',
      true,
    );
    await services.messages.send('bob', `GROUP${GROUP_ID}`, 'On my way', false);
    const plan = await services.messages.send('alice', `GROUP${GROUP_ID}`, 'Plan for today is in the doc', true);
    await services.receipts.markRead('bob', [hello.id, plan.id]);
    await services.receipts.markRead('carol', [hello.id]);
    const dm = await services.messages.send('alice', 'C2Cbob', 'Can you review my change?', true);
    await services.messages.send('bob', 'C2Calice', 'Sure, after lunch', true);
    await services.receipts.markRead('bob', [dm.id]);
    await services.messages.send('alice', 'C2Ccarol', 'Lunch today?', true);
    console.log(`seed: users ${USERS.join(', ')}; group GROUP${GROUP_ID}; chats C2Cbob, C2Ccarol (seen by alice)`);
  }
  const secret = app.config.authSecret;
  if (!app.config.production && secret) {
    for (const user of ['alice', 'bob']) console.log(`token ${user}: ${await signToken(secret, user, '12h')}`);
  }
} finally {
  await app.stop();
}
