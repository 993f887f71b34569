/**
 * Compatibility with Slack's formats, so tools that talk to Slack talk to Parley: incoming-webhook payloads
 * ({@link io.parley.server.slack.WebhookPayload}: text, Block Kit blocks, legacy attachments, display
 * overrides) turned into Parley's text ({@link io.parley.server.slack.Layout}, {@link io.parley.server.slack.Mrkdwn}).
 */
package io.parley.server.slack;
