// Notices between the servers of one sale, over Redis pub/sub: "an operator just changed X". They
// are a fast path only. Pub/sub delivers at most once, and only to servers connected at that
// moment, so whatever a notice announces is written first where it lasts (PostgreSQL), and each
// server's periodic pass still reads it from there.
import { Cluster } from 'ioredis';
import type { HotClient } from './hot-scripts.ts';

export type NoticeTopic = 'sold-out-actions';

export class RedisNotices {
  private subscriber: HotClient | null = null;
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(
    private readonly client: HotClient,
    private readonly prefix: string,
  ) {}

  /** Tells every subscribed server of this sale (this one too); resolves once Redis has it. */
  async publish(topic: NoticeTopic, message: string): Promise<void> {
    await this.client.publish(this.channel(topic), message);
  }

  /** Calls `handler` with each notice on `topic` from now on; resolves once Redis has the subscription. */
  async subscribe(topic: NoticeTopic, handler: (message: string) => void): Promise<void> {
    // A connection that subscribes can do nothing else, so it is one of its own.
    this.subscriber ??= this.duplicate();
    const subscriber = this.subscriber;
    const channel = this.channel(topic);
    this.handlers.set(channel, handler);
    await subscriber.subscribe(channel);
  }

  /** How many connections listen on `topic` now, over every node: each running server of the sale has one. */
  async listeners(topic: NoticeTopic): Promise<number> {
    const channel = this.channel(topic);
    const nodes = this.client instanceof Cluster ? this.client.nodes('all') : [this.client];
    const replies = await Promise.all(nodes.map((n) => n.pubsub('NUMSUB', channel)));
    return replies.reduce<number>((sum, reply) => sum + Number((reply as unknown[])[1] ?? 0), 0);
  }

  /** Closes the subscribing connection (the shared client is its owner's to close). */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.handlers.clear();
    if (subscriber) await subscriber.quit();
  }

  private duplicate(): HotClient {
    const client = this.client;
    const subscriber: HotClient = client instanceof Cluster ? client.duplicate() : client.duplicate();
    subscriber.on('message', (channel: string, message: string) => this.handlers.get(channel)?.(message));
    // It reconnects by itself; the shared client reports Redis being away (else ioredis prints
    // "Unhandled error event" for every retry while Redis restarts).
    subscriber.on('error', () => {});
    return subscriber;
  }

  private channel(topic: NoticeTopic): string {
    return `${this.prefix}:notices:${topic}`;
  }
}
