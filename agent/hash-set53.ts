/**
 * A set of 53-bit hashes in one Float64Array (open addressing, linear probing). The usage ledger
 * remembers one hash per counted model call of the window — hundreds of thousands on a busy
 * gateway — and a JS Set<number> spends ~40 bytes on each (a boxed double plus its table entry);
 * this spends at most ~11 (load factor kept between 3/8 and 3/4).
 */
export class HashSet53 {
  private slots: Float64Array;
  private count = 0;

  constructor(expected = 8) {
    let capacity = 16;
    while (capacity * 3 < expected * 4) capacity *= 2;
    this.slots = new Float64Array(capacity);
  }

  static from(values: Iterable<number>, expected?: number): HashSet53 {
    const set = new HashSet53(expected);
    for (const value of values) set.add(value);
    return set;
  }

  get size(): number {
    return this.count;
  }

  has(hash: number): boolean {
    const stored = hash + 1; // 0 marks an empty slot
    const mask = this.slots.length - 1;
    for (let index = hash % this.slots.length; ; index = (index + 1) & mask) {
      const slot = this.slots[index]!;
      if (slot === 0) return false;
      if (slot === stored) return true;
    }
  }

  /** False when the hash was already there. */
  add(hash: number): boolean {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.grow();
    const stored = hash + 1;
    const mask = this.slots.length - 1;
    for (let index = hash % this.slots.length; ; index = (index + 1) & mask) {
      const slot = this.slots[index]!;
      if (slot === stored) return false;
      if (slot === 0) {
        this.slots[index] = stored;
        this.count += 1;
        return true;
      }
    }
  }

  /** The hashes, in slot order. */
  toArray(): Float64Array {
    const values = new Float64Array(this.count);
    let next = 0;
    for (const slot of this.slots) if (slot !== 0) values[next++] = slot - 1;
    return values;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.count = 0;
    for (const slot of old) if (slot !== 0) this.add(slot - 1);
  }
}
