import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // The workspace root holds node_modules (npm workspaces hoist next and react there).
  turbopack: { root: path.resolve(import.meta.dirname, '..', '..') },
  outputFileTracingRoot: path.resolve(import.meta.dirname, '..', '..'),
  poweredByHeader: false,
  reactStrictMode: true,
  // Nothing in the portal needs resizing; this keeps sharp out of the runtime path.
  images: { unoptimized: true },
  // `npm run lint` type-checks the portal (tsc -p apps/portal); the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Session cookies hold the API tokens; pages are personal, never cached by shared caches.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cache-Control', value: 'private, no-store' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

export default config;
