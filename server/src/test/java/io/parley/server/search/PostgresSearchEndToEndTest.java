package io.parley.server.search;

import io.parley.server.PgTestSchema;

import java.util.Map;

/** The search contract on a pod's engine: PostgreSQL full-text search, in a schema of its own. */
class PostgresSearchEndToEndTest extends SearchEndToEndContract {
    private PgTestSchema schema;

    @Override
    Map<String, String> storeConfig() {
        schema = PgTestSchema.create();
        return schema.serverConfig();
    }

    @Override
    void release() {
        if (schema != null) schema.close();
    }
}
