// Hash routing (#/board, #/campaign, #/preview): the server only ever serves index.html.
import { useEffect, useState } from 'react';

export type Route = 'board' | 'campaign' | 'preview';
const ROUTES: readonly Route[] = ['board', 'campaign', 'preview'];

function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'board';
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
