-- Remote authors are visible to local readers of the org-shared chats they wrote or reacted in (issue 7 §2):
-- finding those chats for one shadow user needs these lookups by user.
CREATE INDEX messages_sender_idx ON messages (sender_id, chat_id);
CREATE INDEX org_reaction_marks_user_idx ON org_reaction_marks (user_id);
