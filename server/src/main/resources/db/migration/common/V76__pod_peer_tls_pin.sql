-- The pin of a linked pod's TLS certificate key (sha256/<base64> of its SubjectPublicKeyInfo), from its
-- invitation or its accept call: requests to it go over TLS checked against this key instead of a CA.
ALTER TABLE pod_peers ADD COLUMN tls_pin TEXT;
