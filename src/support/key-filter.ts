// A Bloom filter over strings: `mayHave` is false only for a string never added, and true for one
// that was (and, rarely, for one that was not). It answers "is there any point reading the
// database for this key?" without holding the keys: ~1.2 MB per million keys at a 1% false rate.
// It grows by layers: when a layer holds what it was sized for, a new one twice as large is
// started, and a lookup asks every layer (each adds at most its own false rate).

/** Bits per key and probes per lookup for ~1% false positives per layer. */
const BITS_PER_KEY = 10;
const PROBES = 7;
/** Room in the first layer unless told (~1.2 MB), and at least. */
const CAPACITY_DEFAULT = 1 << 20;
const CAPACITY_MIN = 64;

class Layer {
  readonly bits: Uint32Array;
  readonly size: number;
  count = 0;

  constructor(readonly capacity: number) {
    this.size = capacity * BITS_PER_KEY;
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.size;
      this.bits[at >>> 5]! |= 1 << (at & 31);
    }
    this.count += 1;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.size;
      if ((this.bits[at >>> 5]! & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }
}

export class KeyFilter {
  private readonly layers: Layer[];
  private h1 = 0;
  private h2 = 0;

  constructor(capacity = CAPACITY_DEFAULT) {
    this.layers = [new Layer(Math.max(CAPACITY_MIN, capacity))];
  }

  /** Keys added so far. */
  get size(): number {
    return this.layers.reduce((n, l) => n + l.count, 0);
  }

  /** Bytes held by the filter's bit arrays. */
  get bytes(): number {
    return this.layers.reduce((n, l) => n + l.bits.byteLength, 0);
  }

  add(key: string): void {
    let top = this.layers[this.layers.length - 1]!;
    if (top.count >= top.capacity) {
      top = new Layer(top.capacity * 2);
      this.layers.push(top);
    }
    this.hash(key);
    top.add(this.h1, this.h2);
  }

  mayHave(key: string): boolean {
    this.hash(key);
    for (const layer of this.layers) if (layer.has(this.h1, this.h2)) return true;
    return false;
  }

  /** Two independent 32-bit hashes of the UTF-16 code units (FNV-1a, two offset bases), mixed. */
  private hash(key: string): void {
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
    }
    this.h1 = fmix(a);
    this.h2 = fmix(b) | 1;
  }
}

/** MurmurHash3's finaliser: spreads every input bit over the output. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
