// Real accounts and rooms through Happy Chat's public HTTP API (the same calls the web client
// makes): register -> access token, create a room, join it by id.

async function pool(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** One public API call as a client makes it; 5xx and 429 are retried twice. */
export async function call(base, method, path, token, body, { allow404 = false } = {}) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'happychat-bench',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.ok) return JSON.parse(text);
    if (allow404 && res.status === 404) return null;
    // A busy shared machine can time an RPC out; the calls are idempotent or fresh, so retry.
    if (attempt < 3 && (res.status >= 500 || res.status === 429)) {
      await new Promise((r) => setTimeout(r, 500 * attempt));
      continue;
    }
    throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  }
}

/** Registers `count` users; returns [{id, token}] in order. */
export async function registerUsers(base, count, tag, { concurrency = 8, onProgress } = {}) {
  const accounts = new Array(count);
  let done = 0;
  await pool([...Array(count).keys()], concurrency, async (i) => {
    const r = await call(base, 'POST', '/auth/register', null, {
      username: `b${tag}_${i}`,
      password: `bench-password-${tag}`,
    });
    accounts[i] = { id: r.user.id, token: r.accessToken };
    if (++done % 500 === 0) onProgress?.(done);
  });
  return accounts;
}

/**
 * Creates each room (its first member is the owner) and has the others join. Where the room API
 * asks for an invite to join a group room, the owner makes one invite link per room and the
 * members join with its token; where there are no invite links yet (404), they join by id.
 */
export async function createRooms(base, plan, accounts, { concurrency = 8, workloads, direct = [] } = {}) {
  const all = plan.rooms.filter((r) => workloads.includes(r.workload));
  const pairs = all.filter((r) => direct.includes(r.workload));
  await pool(pairs, concurrency, async (room) => {
    room.id = (await openDirectRoom(base, accounts[room.members[0]], accounts[room.members[1]])).id;
  });
  const rooms = all.filter((r) => !direct.includes(r.workload));
  let invites = 0;
  await pool(rooms, concurrency, async (room) => {
    const owner = accounts[room.members[0]];
    room.id = (await call(base, 'POST', '/rooms', owner.token, { name: `bench ${room.key}` })).id;
    const link = await call(
      base,
      'POST',
      `/rooms/${room.id}/invite-links`,
      owner.token,
      {},
      { allow404: true },
    );
    room.inviteToken = link?.token ?? null;
    if (room.inviteToken) invites++;
  });
  const joins = rooms.flatMap((room) => room.members.slice(1).map((u) => ({ room, u })));
  await pool(joins, concurrency, async ({ room, u }) => {
    const body = room.inviteToken ? { inviteToken: room.inviteToken } : undefined;
    await call(base, 'POST', `/rooms/${room.id}/join`, accounts[u].token, body);
  });
  return {
    rooms: rooms.length,
    directRooms: pairs.length,
    joins: joins.length,
    joinedWith: invites ? 'invite link token' : 'room id only',
  };
}

/** A direct room as two people get one: a friend request, its acceptance, then the room. */
async function openDirectRoom(base, a, b) {
  if (!b) throw new Error('a direct room needs two members');
  await call(base, 'POST', `/friends/${b.id}/request`, a.token, {});
  await call(base, 'POST', `/friends/${a.id}/accept`, b.token, {});
  return call(base, 'POST', `/friends/${b.id}/dm`, a.token, {});
}
