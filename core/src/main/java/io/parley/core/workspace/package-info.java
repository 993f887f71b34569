/** Workspaces, memberships with roles, the permission matrix, and invites. */
package io.parley.core.workspace;
