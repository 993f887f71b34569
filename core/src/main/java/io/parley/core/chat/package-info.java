/** Chats as logs: channels, DMs, members, messages, threads, reactions, mentions, and the services over them. */
package io.parley.core.chat;
