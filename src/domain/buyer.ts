export interface Buyer {
  id: string;
  /** Paid memberships the buyer holds (e.g. vip88). */
  memberships: readonly string[];
}
