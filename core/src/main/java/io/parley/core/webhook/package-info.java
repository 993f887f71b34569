/**
 * Incoming webhooks: an admin creates one for a channel and gets a secret URL; anything that holds the
 * URL may post into the channel as the webhook's bot identity. {@link io.parley.core.webhook.WebhookService}
 * holds the rules (who may manage them, where a post may go); the Slack-compatible payload format is the
 * edge's business.
 */
package io.parley.core.webhook;
