// Node's process warnings, handed to the program's own output instead of printed as free text on stderr
// (a member's stderr is one JSON object per line).

/**
 * grpc-js names the server it dials by TLS SNI even when that is an IP address, which Node flags as
 * deprecated (RFC 6066 allows host names only); nothing to act on here.
 */
const IGNORED = new Set(['DEP0123']);

export function routeProcessWarnings(report: (warning: Error & { code?: string }) => void): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code === undefined || !IGNORED.has(warning.code)) report(warning);
  });
}
