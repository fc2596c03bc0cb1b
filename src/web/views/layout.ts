import { html, type SafeHtml } from '../html.ts';

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Sent by htmx requests as the X-CSRF-Token header; absent on pages without a session. */
  csrfToken?: string;
}

/**
 * The page shell. htmx is loaded for the live parts only (everything else is plain links and forms, so the
 * pages work without JavaScript); its config keeps it within a strict CSP (no eval, no injected styles).
 */
export function layout({ title, body, csrfToken }: LayoutOptions): string {
  const headers = csrfToken ? JSON.stringify({ 'X-CSRF-Token': csrfToken }) : undefined;
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<title>${title} · Constant Contact connector</title>
<link rel="stylesheet" href="/assets/connector.css">
<script src="/assets/htmx.min.js" defer></script>
</head>
<body${headers ? html` hx-headers="${headers}"` : ''}>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><span class="brand" aria-hidden="true">CC</span> <span>Constant Contact connector</span>${
    csrfToken
      ? html`<form class="sign-out" method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">Sign out</button></form>`
      : ''
  }</header>
<main id="main">
${body}
</main>
</body>
</html>`}`;
}

export function errorPage(title: string, message: string, action?: SafeHtml): string {
  return layout({
    title,
    body: html`<h1>${title}</h1><p class="notice error" role="alert">${message}</p>${action}`,
  });
}
