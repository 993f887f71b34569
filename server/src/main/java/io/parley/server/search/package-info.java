/** The search engines behind {@link io.parley.core.search.SearchIndex}: Lucene on local disk, and the rebuild from the store. */
package io.parley.server.search;
