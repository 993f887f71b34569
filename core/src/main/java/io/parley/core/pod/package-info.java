/**
 * Pods: independent Parley deployments that link to each other (issue 7). This package holds the
 * pure rules, free of any transport or storage: the {@link io.parley.core.pod.HealthManager} that
 * scores peers and detects their death (spec 000 §2, spec 001 §1), the merge rules of replicated
 * channel logs, and the lease election of acting primaries. The network side (keys, signed
 * requests, heartbeats) lives in the server module and feeds these classes.
 */
package io.parley.core.pod;
