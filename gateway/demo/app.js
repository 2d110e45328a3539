// The demo SPA: log in through the auth service's hosted page (authorization
// code + PKCE, the SDK's browser helper), then call the API as that user.
// Plain ES modules, no build step; served by the gateway under /demo/.
import { createBrowserLogin } from './browser-login.js';

const TOKENS = 'portico.demo.tokens';
const base = window.location.origin;
const redirectUri = `${base}/demo/`;
const login = createBrowserLogin({
  baseUrl: base,
  clientId: document.body.dataset.clientId,
  redirectUri,
});

const $ = (id) => document.getElementById(id);
const show = (id, visible) => {
  $(id).hidden = !visible;
};
const say = (text) => {
  $('status').textContent = text;
};

/** Tokens live in sessionStorage: gone with the tab. A real app may keep them in memory only. */
const saved = () => JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
const save = (tokens) => sessionStorage.setItem(TOKENS, JSON.stringify(tokens));

/** A call as the signed-in user; a 401 refreshes the pair once and retries. */
async function api(path, init = {}) {
  const send = (tokens) =>
    fetch(path, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${tokens.access_token}` },
    });
  let tokens = saved();
  let response = await send(tokens);
  if (response.status === 401) {
    tokens = { ...tokens, ...(await login.refresh(tokens.refresh_token)) };
    save(tokens);
    response = await send(tokens);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.detail ?? `HTTP ${response.status}`);
  return body;
}

async function signedIn() {
  show('signed-out', false);
  show('signed-in', true);
  const me = await api('/api/v1/users/me');
  $('who').textContent = `${me.name} <${me.email}>`;
  const products = await api('/api/v1/inventory/products?limit=10');
  const list = $('products');
  list.replaceChildren(
    ...products.items.map((p) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.textContent = 'Order one';
      button.disabled = p.available < 1;
      button.addEventListener('click', () => order(p.sku));
      item.append(`${p.name} (${p.sku}), ${p.priceCents} cents, ${p.available} left `, button);
      return item;
    }),
  );
}

/** Places an order and follows the saga until it settles. */
async function order(sku) {
  let placed = await api('/api/v1/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ items: [{ sku, quantity: 1 }] }),
  });
  say(`Order ${placed.id} is ${placed.status}…`);
  for (let i = 0; i < 100 && placed.status === 'pending'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    placed = await api(`/api/v1/orders/${placed.id}`);
  }
  say(`Order ${placed.id} is ${placed.status}${placed.reason ? `: ${placed.reason}` : ''}.`);
  await signedIn();
}

$('login').addEventListener('click', async () => {
  window.location.assign(await login.authorizeUrl());
});
$('logout').addEventListener('click', async () => {
  const tokens = saved();
  sessionStorage.removeItem(TOKENS);
  window.location.assign(await login.logoutUrl(tokens.id_token, redirectUri));
});

async function main() {
  const here = new URL(window.location.href);
  if (here.searchParams.has('code') || here.searchParams.has('error')) {
    // Back from the login page: trade the code, then drop it from the address bar.
    window.history.replaceState(null, '', redirectUri);
    const { tokens } = await login.finish(here.href);
    save(tokens);
  }
  if (saved()) await signedIn();
  else show('signed-out', true);
}

main().catch((error) => say(`Something went wrong: ${error.message}`));
