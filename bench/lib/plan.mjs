// The workload layout, the same for every system: who is in which room, and which generator
// process holds whom (all members of a room in one generator, so one clock times both ends).

function chunk(from, to, size) {
  const out = [];
  for (let i = from; i < to; i += size)
    out.push(Array.from({ length: Math.min(size, to - i) }, (_, k) => i + k));
  return out;
}

/**
 * users 0..w12Users-1 take part in W1 (rooms of w1Size) and W2 (rooms of w2Size); users
 * 0..w3Users-1 hold the W3 connections (rooms of w3Size, a separate set of rooms).
 */
export function buildPlan({ w12Users, w1Size, w2Size, w3Users, w3Size }) {
  if (w2Size % w1Size !== 0) throw new Error('W2 room size must be a multiple of the W1 room size');
  if (w12Users % w2Size !== 0) throw new Error('W1/W2 users must fill whole W2 rooms');
  const rooms = [];
  const add = (workload, groups) =>
    groups.forEach((members, i) => rooms.push({ key: `${workload}-${i}`, workload, members, id: null }));
  add('W1', chunk(0, w12Users, w1Size));
  add('W2', chunk(0, w12Users, w2Size));
  add('W3', chunk(0, w3Users, w3Size));
  return { users: Math.max(w12Users, w3Users), w12Users, w3Users, rooms };
}

/**
 * Splits the users of the given workloads over `generators` processes along `unitWorkload`'s
 * rooms (whole rooms per process). Returns, per generator, what its `connect` command needs.
 */
export function partition(plan, { workloads, unitWorkload, generators, accounts }) {
  const roomsOf = new Map(); // user -> [{roomIdx, workload, pos}]
  plan.rooms.forEach((room, roomIdx) => {
    if (!workloads.includes(room.workload)) return;
    room.members.forEach((u, pos) => {
      if (!roomsOf.has(u)) roomsOf.set(u, []);
      roomsOf.get(u).push({ roomIdx, workload: room.workload, pos });
    });
  });
  const units = plan.rooms.filter((r) => r.workload === unitWorkload);
  const parts = Array.from({ length: Math.min(generators, units.length) }, () => []);
  units.forEach((room, i) => parts[i % parts.length].push(...room.members));
  const genOf = new Map();
  parts.forEach((members, g) => members.forEach((u) => genOf.set(u, g)));
  for (const room of plan.rooms.filter((r) => workloads.includes(r.workload))) {
    const gens = new Set(room.members.map((u) => genOf.get(u)));
    if (gens.size !== 1) throw new Error(`room ${room.key} would span generators ${[...gens]}`);
  }
  const roomList = plan.rooms.map((r) => ({ id: r.id, size: r.members.length, workload: r.workload }));
  return parts.map((members) => ({
    rooms: roomList,
    users: members.map((u) => ({
      id: accounts[u].id,
      token: accounts[u].token,
      rooms: roomsOf.get(u) ?? [],
    })),
  }));
}
