-- Uploads scanned for malware before they are stored (issue 15 §4): what the scanner made of each file.
-- 'clean', 'unscanned' (the scanner could not judge it and files.scan_unavailable = accept), or NULL (stored while
-- scanning was off, or a remote file whose bytes stay on their origin pod).
ALTER TABLE files ADD COLUMN scan TEXT;
