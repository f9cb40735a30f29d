// Content negotiation from the Accept header: a meta.k8s.io Table for `kubectl get`, and the exact
// aggregated-discovery version a client asked for (client-go trusts only the exact Content-Type).

interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const entries = params.map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()] as const;
    });
    return { type: (type ?? '').toLowerCase(), params: Object.fromEntries(entries) };
  });
}

const jsonLike = (type: string): boolean => type === 'application/json' || type === '*/*' || type === 'application/*';

/** `meta.k8s.io/v1` (or v1beta1) when the client asks for a Table before anything else it accepts. */
export function tableVersion(accept: string | undefined): string | undefined {
  for (const range of parseAccept(accept)) {
    if (range.params['as'] === 'Table' && range.params['g'] === 'meta.k8s.io' && (range.params['v'] === 'v1' || range.params['v'] === 'v1beta1')) {
      return `meta.k8s.io/${range.params['v']}`;
    }
    if (jsonLike(range.type) && range.params['as'] === undefined) return undefined;
  }
  return undefined;
}

/** The aggregated discovery version (`v2`, `v2beta1`) the client prefers, if it asked for one. */
export function aggregatedDiscoveryVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const range of parseAccept(accept)) {
    if (range.params['as'] === 'APIGroupDiscoveryList' && range.params['g'] === 'apidiscovery.k8s.io') {
      if (range.params['v'] === 'v2' || range.params['v'] === 'v2beta1') return range.params['v'];
    }
    if (jsonLike(range.type) && range.params['as'] === undefined) return undefined;
  }
  return undefined;
}

/** The first of JSON and `alternative` the client accepts, in its order (no Accept header takes JSON). */
export function jsonOr<T extends string>(accept: string | undefined, alternative: T): 'json' | T | undefined {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return 'json';
  for (const range of ranges) {
    if (jsonLike(range.type)) return 'json';
    if (range.type === alternative) return alternative;
  }
  return undefined;
}
