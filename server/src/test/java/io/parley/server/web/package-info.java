/** Tests of the web client's static serving and, through Playwright, of the client itself in Chromium. */
package io.parley.server.web;
