import type { Tx } from '../db/transaction.ts';
import { inTransaction } from '../db/transaction.ts';
import type { ServiceDeps } from './deps.ts';

/** Remembered user IDs, so the first-request insert is not repeated on every request. */
const KNOWN_USERS_LIMIT = 100_000;

export class UserService {
  private readonly known = new Set<string>();

  private readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  /** Creates the user record on the user's first authenticated request. */
  async ensureSignedIn(userID: string): Promise<void> {
    if (this.known.has(userID)) return;
    await inTransaction(this.deps.db, (tx) => this.ensureUsers(tx, [userID]));
    if (this.known.size >= KNOWN_USERS_LIMIT) this.known.clear();
    this.known.add(userID);
  }

  /** Users named by others (group members, a chat peer) get a record as well. */
  async ensureUsers(tx: Tx, userIDs: string[]): Promise<void> {
    const wanted = [...new Set(userIDs)];
    const existing = await tx.user.findMany({ where: { id: { in: wanted } }, select: { id: true } });
    const have = new Set(existing.map((u) => u.id));
    const missing = wanted.filter((id) => !have.has(id));
    if (missing.length) await tx.user.createMany({ data: missing.map((id) => ({ id })) });
  }

  /** Profile fields: undefined leaves one as it is, null clears it. `query` is Pothos' selection. */
  async updateProfile(
    userID: string,
    profile: { nickname?: string | null; faceURL?: string | null },
    query: { select?: object; include?: object } = {},
  ) {
    const data = {
      ...(profile.nickname !== undefined && { nickname: profile.nickname }),
      ...(profile.faceURL !== undefined && { faceURL: profile.faceURL }),
    };
    return this.deps.db.user.update({ ...query, where: { id: userID }, data });
  }

  async setReadReceiptsEnabled(userID: string, enabled: boolean) {
    return this.deps.db.user.update({ where: { id: userID }, data: { readReceiptsEnabled: enabled } });
  }
}
