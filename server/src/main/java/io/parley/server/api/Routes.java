package io.parley.server.api;

import io.parley.server.http.Router;

import java.util.List;

/** A group of endpoints for one resource. */
interface Routes {
    /** {@return the group's endpoints, in registration order} */
    List<Endpoint> endpoints();

    /** Adds every endpoint of the group to the router. */
    default void register(Router router) {
        for (Endpoint e : endpoints()) router.add(e.method(), e.pattern(), e.handler(), e.streaming());
    }
}
