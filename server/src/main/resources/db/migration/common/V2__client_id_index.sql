-- Client ids are UUIDs, unique on their own: the bulk idempotency check of a whole batch
-- looks them up in one query, whatever the chat and actor.
CREATE INDEX chat_events_client_id ON chat_events (client_id);
