// `GET /` for a browser: a small page saying what this server is and linking what it serves (API
// discovery, the registry, health, metrics) and the docs. Any other client (curl, kubectl, JSON
// clients) gets the API's 404 Status as before: only an Accept that names text/html gets the page.
import type { Face } from './face-router.ts';
import { AppError } from '../errors.ts';
import { statusResponse } from '../api/http-responses.ts';

const links: readonly (readonly [href: string, label: string, what: string])[] = [
  ['/api', '/api', 'core API versions (kubectl discovery)'],
  ['/apis', '/apis', 'API groups: image.openshift.io, project.openshift.io, apps, batch, rbac…'],
  ['/apis/image.openshift.io/v1', '/apis/image.openshift.io/v1', 'image streams, tags, images and imports'],
  ['/openapi/v3', '/openapi/v3', 'OpenAPI v3 schemas (what kubectl explain and validation read)'],
  ['/version', '/version', 'the Kubernetes version this API speaks like'],
  ['/v2/', '/v2/', 'the registry (OCI distribution v2; log in with any user name and a token as password)'],
  ['/healthz', '/healthz', 'liveness'],
  ['/readyz', '/readyz', 'readiness: the store answers'],
  ['/metrics', '/metrics', 'Prometheus metrics (needs a token allowed to get /metrics)'],
];

const docs: readonly (readonly [href: string, label: string])[] = [
  [
    'https://docs.openshift.com/container-platform/latest/openshift_images/image-streams-manage.html',
    "OpenShift's image streams, which this server implements",
  ],
  ['https://github.com/openshift/oc', 'oc, whose image commands the ims CLI speaks'],
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(registryHost: string, origin: string): string {
  const rows = links.map(([href, label, what]) => `      <li><a href="${escapeHtml(href)}"><code>${escapeHtml(label)}</code></a> — ${escapeHtml(what)}</li>`);
  const docRows = docs.map(([href, label]) => `      <li><a href="${escapeHtml(href)}" rel="noreferrer">${escapeHtml(label)}</a></li>`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Imagestream</title>
    <style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}code,pre{background:#f3f3f3;padding:0 .2em}pre{padding:.6em;overflow-x:auto}</style>
  </head>
  <body>
    <h1>Imagestream</h1>
    <p>OpenShift's image streams as a standalone server: a Kubernetes-style API (<code>image.openshift.io/v1</code>) and an integrated registry at <code>${escapeHtml(registryHost)}</code>. There is no web console: use <code>ims</code>, <code>kubectl</code>, <code>skopeo</code> or <code>podman</code>.</p>
    <pre>ims login ${escapeHtml(origin)} --token "$(cat ims-data/admin.token)"
ims get is</pre>
    <h2>What this server serves</h2>
    <ul>
${rows.join('\n')}
    </ul>
    <h2>Documentation</h2>
    <ul>
      <li><code>ims --help</code> and <code>ims serve --help</code>; the README of the Imagestream sources</li>
${docRows.join('\n')}
    </ul>
  </body>
</html>
`;
}

/** Whether the client asked for HTML by name (a browser), rather than taking any type or JSON. */
export function wantsHtml(accept: string | null): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [type, ...parameters] = part.trim().toLowerCase().split(';');
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (type.trim() === 'text/html' || type.trim() === 'application/xhtml+xml') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export function homeFace(deps: { readonly publicHost: string }): Face {
  return {
    name: 'home',
    serves: (pathname) => pathname === '/',
    async handle(request) {
      if ((request.method === 'GET' || request.method === 'HEAD') && wantsHtml(request.headers.get('accept')))
        return new Response(page(deps.publicHost, new URL(request.url).origin), {
          headers: { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' },
        });
      return statusResponse(new AppError('NotFound', 'the server could not find the requested resource'));
    },
  };
}
