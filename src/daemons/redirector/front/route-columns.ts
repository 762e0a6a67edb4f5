// Pure: table 111's storage — rows in typed columns (service, client address, client port, back
// end, TCP state, the generation that last saw the row) and an open-addressing hash from the key
// (service, client address, client port) to the row. 100,000 routes cost about 2 MB instead of
// 100,000 objects, strings and map entries; a rebuild writes numbers in place. Deleted rows go on
// a free list and are reused; the hash uses tombstones and is rebuilt when they pile up.

const EMPTY = 0;
const TOMBSTONE = -1;
const MIN_ROWS = 64;

/** A row's fields, as numbers: `clientIp` as an unsigned 32-bit address. */
export interface RouteRow {
  service: number;
  clientIp: number;
  clientPort: number;
  backend: number;
  state: number;
}

const hashOf = (service: number, ip: number, port: number): number => {
  // Multiplicative mixing of the three fields (Math.imul keeps it in 32 bits).
  let h = Math.imul(ip ^ (port << 16) ^ service, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h ^ port, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
};

export class RouteColumns {
  service = new Uint16Array(MIN_ROWS);
  clientIp = new Uint32Array(MIN_ROWS);
  clientPort = new Uint16Array(MIN_ROWS);
  backend = new Uint8Array(MIN_ROWS);
  state = new Uint8Array(MIN_ROWS);
  seen = new Uint32Array(MIN_ROWS);
  /** Row in use (a freed row is 0 here and on the free list). */
  used = new Uint8Array(MIN_ROWS);
  /** Hash slots: row + 1, EMPTY or TOMBSTONE. Always a power of two, at least twice the rows. */
  private slots = new Int32Array(2 * MIN_ROWS);
  private free: number[] = [];
  /** Rows ever handed out (the columns' high-water mark). */
  private top = 0;
  private live = 0;
  private tombstones = 0;

  get size(): number {
    return this.live;
  }

  /** One past the highest row ever used: iterate rows 0 … end - 1 where used[row] is 1. */
  get end(): number {
    return this.top;
  }

  /** The row of a key, or -1. */
  find(service: number, ip: number, port: number): number {
    ip >>>= 0;
    const mask = this.slots.length - 1;
    for (let i = hashOf(service, ip, port) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i]!;
      if (s === EMPTY) return -1;
      if (s === TOMBSTONE) continue;
      const row = s - 1;
      if (this.clientIp[row] === ip && this.clientPort[row] === port && this.service[row] === service) return row;
    }
  }

  /** The row of a key, added (fields zero) when absent; `created` tells which. */
  insert(service: number, ip: number, port: number): { row: number; created: boolean } {
    const found = this.find(service, ip, port);
    if (found >= 0) return { row: found, created: false };
    // Room first: a rehash places every used row, and this one is not used yet.
    if (2 * (this.live + 1 + this.tombstones) >= this.slots.length) this.rehash(this.capacityFor(this.live + 1));
    const row = this.free.length > 0 ? this.free.pop()! : this.top++;
    if (row >= this.used.length) this.growRows();
    this.service[row] = service;
    this.clientIp[row] = ip;
    this.clientPort[row] = port;
    this.backend[row] = this.state[row] = this.seen[row] = 0;
    this.used[row] = 1;
    this.live++;
    this.place(row);
    return { row, created: true };
  }

  /** Frees a row (it must be in use); its key no longer finds it. */
  remove(row: number): void {
    const mask = this.slots.length - 1;
    for (let i = hashOf(this.service[row]!, this.clientIp[row]!, this.clientPort[row]!) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i]!;
      if (s === EMPTY) throw new Error(`route row ${row} is not in the hash`);
      if (s === row + 1) {
        this.slots[i] = TOMBSTONE;
        break;
      }
    }
    this.used[row] = 0;
    this.free.push(row);
    this.live--;
    this.tombstones++;
  }

  /** The row's fields as an object (for listings; the hot paths read the columns). */
  row(row: number): RouteRow {
    return {
      service: this.service[row]!,
      clientIp: this.clientIp[row]!,
      clientPort: this.clientPort[row]!,
      backend: this.backend[row]!,
      state: this.state[row]!,
    };
  }

  private place(row: number): void {
    const mask = this.slots.length - 1;
    let i = hashOf(this.service[row]!, this.clientIp[row]!, this.clientPort[row]!) & mask;
    while (this.slots[i]! > 0) i = (i + 1) & mask;
    if (this.slots[i] === TOMBSTONE) this.tombstones--;
    this.slots[i] = row + 1;
  }

  private capacityFor(rows: number): number {
    let n = 2 * MIN_ROWS;
    while (n < 4 * rows) n *= 2;
    return n;
  }

  /** A fresh slot array of `length` (no tombstones), every used row placed again. */
  private rehash(length: number): void {
    this.slots = new Int32Array(length);
    this.tombstones = 0;
    for (let row = 0; row < this.top; row++) if (this.used[row]) this.place(row);
  }

  private growRows(): void {
    const n = 2 * this.used.length;
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.service = grow(this.service, (k) => new Uint16Array(k));
    this.clientIp = grow(this.clientIp, (k) => new Uint32Array(k));
    this.clientPort = grow(this.clientPort, (k) => new Uint16Array(k));
    this.backend = grow(this.backend, (k) => new Uint8Array(k));
    this.state = grow(this.state, (k) => new Uint8Array(k));
    this.seen = grow(this.seen, (k) => new Uint32Array(k));
    this.used = grow(this.used, (k) => new Uint8Array(k));
  }
}
