// The load both order benches put on `POST /api/orders`: one-line carts over the bench campaign's
// ten s1 SKUs, a new buyer per request (so per-buyer limits never bite), from autocannon.
import autocannon from 'autocannon';

/** `offset` keeps buyer ids apart when several loads run at once (one per server). */
export function orderLoad(
  url: string,
  connections: number,
  seconds: number,
  offset = 0,
): Promise<autocannon.Result> {
  let n = offset;
  return autocannon({
    url: `${url}/api/orders`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          n++;
          const body = JSON.stringify({ lines: [{ sku: `s1-k${n % 10}`, qty: 1 }] });
          return { ...req, body, headers: { ...req.headers, 'x-buyer-id': `b${n}` } };
        },
      },
    ],
  });
}
