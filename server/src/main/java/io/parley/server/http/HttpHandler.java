package io.parley.server.http;

/** Handles one routed request. Runs on a virtual thread, so it may block on the database. */
@FunctionalInterface
public interface HttpHandler {
    /**
     * @throws io.parley.core.error.ParleyException for any client-visible failure (translated to a JSON error)
     * @throws Exception anything else becomes a 500 with no detail leaked
     */
    HttpResponse handle(HttpRequest request) throws Exception;
}
