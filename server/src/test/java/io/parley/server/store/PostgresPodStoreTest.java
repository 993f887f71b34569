package io.parley.server.store;

import io.parley.server.PgTestSchema;

/**
 * The pod store contract on PostgreSQL, in a schema of its own dropped afterwards ({@link PgTestSchema}:
 * skipped with a reason when PostgreSQL is down, unless {@code CI=true}).
 */
class PostgresPodStoreTest extends PodStoreContract {
    private PgTestSchema schema;

    @Override
    StoreConfig config() {
        return StoreConfig.of(StoreKind.POSTGRES, schema.url(), null, null);
    }

    @Override
    void prepare() {
        schema = PgTestSchema.create();
    }

    @Override
    void cleanUp() {
        if (schema != null) schema.close();
    }
}
