/**
 * The web client's static files (ES modules, CSS, the service worker) served from the jar at
 * {@code /}, with a strict Content-Security-Policy and cache headers: the page itself is never
 * cached, the assets are revalidated by ETag. No build step: what is in {@code resources/web} is what
 * the browser gets.
 */
package io.parley.server.web;
