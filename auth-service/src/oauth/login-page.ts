import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
  main { max-width: 22rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 4px rgba(0, 0, 0, .12); }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #b8bfcc; border-radius: 4px; }
  button { margin-top: 1.25rem; width: 100%; padding: .6rem; font: inherit; font-weight: 600; color: #fff;
           background: #2f5bd3; border: 0; border-radius: 4px; cursor: pointer; }
  .error { background: #fdecec; color: #8a1c1c; padding: .5rem .75rem; border-radius: 4px; }
`;

/**
 * Sends a server-rendered page: no script, no external asset, every value
 * escaped. The CSP allows only this response's own inline style (by nonce),
 * form posts to this origin, and no framing (clickjacking, RFC 9700 §4.16).
 */
function send(res: Response, status: number, title: string, body: string): void {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(status)
    .set({
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    })
    .type('html')
    .send(
      `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`,
    );
}

export type LoginForm = {
  clientName: string;
  handle: string;
  csrfToken: string;
  email?: string | undefined;
  error?: string | undefined;
};

/** The hosted login page; the form posts back to the address it was served from. */
export function sendLoginPage(res: Response, status: number, form: LoginForm): void {
  const error = form.error ? `<p class="error" role="alert">${escapeHtml(form.error)}</p>` : '';
  send(
    res,
    status,
    'Sign in',
    `<h1>Sign in to ${escapeHtml(form.clientName)}</h1>
${error}
<form method="post" action="/api/v1/auth/authorize">
<input type="hidden" name="request" value="${escapeHtml(form.handle)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(form.csrfToken)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${escapeHtml(form.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<button type="submit">Sign in</button>
</form>`,
  );
}

/** A page that ends the flow here: nothing is sent back to an address that is not trusted. */
export function sendMessagePage(
  res: Response,
  status: number,
  title: string,
  message: string,
): void {
  send(res, status, title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
